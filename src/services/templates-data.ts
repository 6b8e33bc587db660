import type { Template } from '../db/template.repository.js';

/**
 * The seed's six pre-built templates, word for word; the seed's own line wrapping (a documentation
 * artefact in the middle of sentences) is a space here.
 */
export const BUILT_IN_TEMPLATES: readonly Template[] = [
  {
    key: 'flash_sale',
    name: 'Flash Sale',
    category: 'promotional',
    text: 'Flash Sale! 🔥 Get up to [X]% off on [products]. Limited time offer! Use code: [CODE]',
    builtIn: true,
  },
  {
    key: 'new_product_launch',
    name: 'New Product Launch',
    category: 'promotional',
    text: 'Introducing [Product Name]! Be among the first to try it. Exclusive launch offer: [Discount]',
    builtIn: true,
  },
  {
    key: 'survey_request',
    name: 'Survey Request',
    category: 'engagement',
    text: 'We value your feedback! Help us improve by taking our 2-minute survey: [Link]',
    builtIn: true,
  },
  {
    key: 'event_invitation',
    name: 'Event Invitation',
    category: 'engagement',
    text: "You're invited! Join us for [Event Name] on [Date]. Register now: [Link]",
    builtIn: true,
  },
  {
    key: 'order_confirmation',
    name: 'Order Confirmation',
    category: 'transactional',
    text: 'Order confirmed! Your order #[ID] will be delivered on [Date]. Track: [Link]',
    builtIn: true,
  },
  {
    key: 'appointment_reminder',
    name: 'Appointment Reminder',
    category: 'transactional',
    text: 'Reminder: You have an appointment on [Date] at [Time]. Location: [Address]',
    builtIn: true,
  },
];
