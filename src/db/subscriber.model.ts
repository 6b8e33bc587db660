import { Schema } from 'mongoose';

/** A Telegram user: a direct-message subscriber once they /start the bot, and a member of groups seen. */
export interface SubscriberDoc {
  _id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
  subscribed: boolean;
  subscribedAt?: Date;
  unsubscribedAt?: Date;
  blocked: boolean;
  blockedBy?: 'user' | 'admin';
  groups: number[];
  segments: string[];
  createdAt: Date;
  updatedAt: Date;
}

export const subscriberSchema = new Schema<SubscriberDoc>(
  {
    _id: { type: Number, required: true },
    firstName: { type: String, default: '' },
    lastName: String,
    username: String,
    languageCode: String,
    /** receives direct-message campaigns */
    subscribed: { type: Boolean, default: false },
    subscribedAt: Date,
    unsubscribedAt: Date,
    /** the user blocked the bot, or an admin blocked the user */
    blocked: { type: Boolean, default: false },
    blockedBy: { type: String, enum: ['user', 'admin'] },
    groups: { type: [Number], default: [] },
    segments: { type: [String], default: [] },
  },
  { timestamps: true, collection: 'subscribers' },
);
subscriberSchema.index({ subscribed: 1, blocked: 1 });
subscriberSchema.index({ groups: 1 });
