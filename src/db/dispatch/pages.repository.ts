import { recipientKey } from '../../domain/audience.js';
import type { Models } from '../models.js';
import type { ChatKind, DispatchCampaign, RecipientSource, WorkItem } from './types.js';

/*
 * The audience of a run, frozen when the run starts: `dispatch_pages`, 500 recipients per document
 * under the _id `<campaign>:<run>:<page>`, read by _id in order while sending. A run walks pages
 * instead of pending deliveries: its first pass only ever inserts into `deliveries`.
 */

const PAGE_SIZE = 500;

interface PageDoc {
  _id: string;
  campaignId: number;
  run: number;
  page: number;
  items: {
    recipient: string;
    seq: number;
    chatId: number;
    kind: ChatKind;
    name?: string;
    canPin?: boolean;
    phone?: string;
  }[];
}

export function createPagesRepository(models: Models) {
  const Page = models.Campaign.db.collection<PageDoc>('dispatch_pages');

  return {
    pageSize: PAGE_SIZE,

    async init(): Promise<void> {
      await Page.createIndex({ campaignId: 1, run: 1 });
    },

    /**
     * Freezes the audience into pages. Idempotent: an interrupted expansion is thrown away and redone
     * (nothing was sent before it completed). Returns the number of recipients.
     */
    async expand(c: DispatchCampaign, source: RecipientSource): Promise<number> {
      await Page.deleteMany({ campaignId: c.id, run: c.run });
      let seq = 0;
      let page = 0;
      let items: PageDoc['items'] = [];
      const write = async () => {
        if (items.length === 0) return;
        await Page.insertOne({ _id: `${c.id}:${c.run}:${page}`, campaignId: c.id, run: c.run, page, items });
        page++;
        items = [];
      };
      for await (const chunk of source.recipients(c)) {
        for (const r of Array.isArray(chunk) ? chunk : [chunk]) {
          items.push({
            recipient:
              c.platform === 'whatsapp' && r.phone
                ? recipientKey('whatsapp', r.phone)
                : recipientKey('telegram', r.chatId),
            ...(r.phone ? { phone: r.phone } : {}),
            seq: seq++,
            chatId: r.chatId,
            kind: r.kind,
            ...(r.name ? { name: r.name } : {}),
            ...(r.canPin === false ? { canPin: false } : {}),
          });
          if (items.length === PAGE_SIZE) await write();
        }
      }
      await write();
      return seq;
    },

    async readPage(campaignId: number, run: number, page: number): Promise<WorkItem[]> {
      const doc = await Page.findOne({ _id: `${campaignId}:${run}:${page}` });
      return (doc?.items ?? []).map((i) => ({ ...i, pass: 0 }));
    },

    async removePages(campaignId: number, run: number): Promise<void> {
      await Page.deleteMany({ campaignId, run });
    },
  };
}

export type PagesRepository = ReturnType<typeof createPagesRepository>;
