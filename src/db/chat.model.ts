import { Schema } from 'mongoose';

/** A Telegram group, supergroup or channel the bot was added to. */
export interface ChatDoc {
  _id: number;
  type: 'group' | 'supergroup' | 'channel';
  title: string;
  username?: string;
  memberCount: number;
  botStatus: string;
  canPost: boolean;
  canPin: boolean;
  addedBy?: number;
  active: boolean;
  optedOut: boolean;
  inactiveReason?: string;
  migratedTo?: number;
  createdAt: Date;
  updatedAt: Date;
}

export const chatSchema = new Schema<ChatDoc>(
  {
    _id: { type: Number, required: true },
    type: { type: String, enum: ['group', 'supergroup', 'channel'], required: true },
    title: { type: String, default: '' },
    username: String,
    memberCount: { type: Number, default: 0 },
    botStatus: { type: String, default: 'member' },
    canPost: { type: Boolean, default: true },
    canPin: { type: Boolean, default: false },
    addedBy: Number,
    active: { type: Boolean, default: true },
    optedOut: { type: Boolean, default: false },
    inactiveReason: String,
    migratedTo: Number,
  },
  { timestamps: true, collection: 'chats' },
);
chatSchema.index({ active: 1, type: 1, title: 1 });
