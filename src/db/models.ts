import type { Connection, Model } from 'mongoose';
import { createAnalyticsRepository } from './analytics.repository.js';
import { type CampaignDoc, campaignSchema } from './campaign.model.js';
import { createCampaignControlsRepository } from './campaign-controls.repository.js';
import { campaignListIndex } from './campaign-list-index.js';
import { type ChatDoc, chatSchema } from './chat.model.js';
import { type ContactDoc, contactSchema } from './contact.model.js';
import { type DeliveryDoc, deliverySchema } from './delivery.model.js';
import { createDeliveryRepository } from './delivery.repository.js';
import {
  type AdminDoc,
  adminSchema,
  counterSchema,
  settingSchema,
  type TemplateDoc,
  templateSchema,
} from './misc.model.js';
import { firstResponseSchema, type ResponseDoc, responseSchema } from './response.model.js';
import { type SubscriberDoc, subscriberSchema } from './subscriber.model.js';
import {
  type TrainingDoc,
  type TrainingInboxDoc,
  trainingInboxSchema,
  trainingSchema,
} from './training.model.js';

export interface Models {
  Campaign: Model<CampaignDoc>;
  Delivery: Model<DeliveryDoc>;
  Chat: Model<ChatDoc>;
  Subscriber: Model<SubscriberDoc>;
  Contact: Model<ContactDoc>;
  Template: Model<TemplateDoc>;
  Admin: Model<AdminDoc>;
  Counter: Model<{ _id: string; value: number }>;
  Setting: Model<{ _id: string; value: unknown }>;
  Response: Model<ResponseDoc>;
  FirstResponse: Model<{ _id: unknown; at: Date }>;
  Training: Model<TrainingDoc>;
  TrainingInbox: Model<TrainingInboxDoc>;
}

/**
 * Registers every model on one connection (no global mongoose models) and builds their indexes (the
 * campaign list index's, reaction_counts' and whatsapp_message_ids' too).
 */
export async function createModels(conn: Connection): Promise<Models> {
  const models: Models = {
    Campaign: conn.model<CampaignDoc>('Campaign', campaignSchema),
    Delivery: conn.model<DeliveryDoc>('Delivery', deliverySchema),
    Chat: conn.model<ChatDoc>('Chat', chatSchema),
    Subscriber: conn.model<SubscriberDoc>('Subscriber', subscriberSchema),
    Contact: conn.model<ContactDoc>('Contact', contactSchema),
    Template: conn.model<TemplateDoc>('Template', templateSchema),
    Admin: conn.model<AdminDoc>('Admin', adminSchema),
    Counter: conn.model<{ _id: string; value: number }>('Counter', counterSchema),
    Setting: conn.model<{ _id: string; value: unknown }>('Setting', settingSchema),
    Response: conn.model<ResponseDoc>('Response', responseSchema),
    FirstResponse: conn.model<{ _id: unknown; at: Date }>('FirstResponse', firstResponseSchema),
    Training: conn.model<TrainingDoc>('Training', trainingSchema),
    TrainingInbox: conn.model<TrainingInboxDoc>('TrainingInbox', trainingInboxSchema),
  };
  await Promise.all([
    ...Object.values(models).map((m: Model<unknown>) => m.init()),
    campaignListIndex(models.Campaign).init(),
    // Side collections written through the driver: the indexes their lookups by campaign need.
    createAnalyticsRepository(models).init(),
    createDeliveryRepository(models).init(),
    createCampaignControlsRepository(models).init(),
  ]);
  return models;
}
