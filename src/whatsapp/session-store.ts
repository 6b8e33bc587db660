import { createReadStream, createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import mongoose, { type Connection } from 'mongoose';
import type { Store } from 'whatsapp-web.js';

/**
 * RemoteAuth's store: the zipped WhatsApp Web session in MongoDB GridFS, one bucket per session
 * (`whatsapp-RemoteAuth[-<clientId>]`, file `<session>.zip`), the layout of wwebjs-mongo's
 * MongoStore, so a session saved by either is found by the other.
 *
 * Not wwebjs-mongo itself: its save() opens `<session>.zip` relative to the working directory while
 * whatsapp-web.js 1.34 writes the zip into RemoteAuth's dataPath, so with a dataPath under
 * DATA_DIR the first backup throws ENOENT from an unhandled stream error and ends the process
 * (wwebjs/whatsapp-web.js#201794). Here every stream error rejects the call instead, the zip is
 * read from `zipDir` (RemoteAuth's dataPath), and deletions are awaited.
 */
export class MongoSessionStore implements Store {
  private readonly zipDir: string;

  constructor(
    private readonly conn: Connection,
    zipDir: string,
  ) {
    this.zipDir = resolve(zipDir);
  }

  static bucketName(session: string): string {
    return `whatsapp-${session}`;
  }

  private db() {
    const db = this.conn.db;
    if (!db) throw new Error('the RemoteAuth session store has no MongoDB connection');
    return db;
  }

  private bucket(session: string) {
    return new mongoose.mongo.GridFSBucket(this.db(), { bucketName: MongoSessionStore.bucketName(session) });
  }

  /** GridFS writes the file document after its last chunk, so a document means a complete upload. */
  async sessionExists({ session }: { session: string }): Promise<boolean> {
    const files = this.db().collection(`${MongoSessionStore.bucketName(session)}.files`);
    return (await files.countDocuments({ filename: `${session}.zip` }, { limit: 1 })) > 0;
  }

  /** Uploads `<zipDir>/<session>.zip`, then removes the older copies. */
  async save({ session }: { session: string }): Promise<void> {
    const bucket = this.bucket(session);
    const name = `${session}.zip`;
    const upload = bucket.openUploadStream(name);
    try {
      await pipeline(createReadStream(join(this.zipDir, name)), upload);
    } catch (err) {
      await upload.abort().catch(() => undefined);
      throw err;
    }
    for (const old of await bucket.find({ filename: name }).toArray()) {
      if (!old._id.equals(upload.id)) await bucket.delete(old._id);
    }
  }

  /** Writes the newest copy to `path`. */
  async extract({ session, path }: { session: string; path: string }): Promise<void> {
    await pipeline(this.bucket(session).openDownloadStreamByName(`${session}.zip`), createWriteStream(path));
  }

  async delete({ session }: { session: string }): Promise<void> {
    const bucket = this.bucket(session);
    for (const file of await bucket.find({ filename: `${session}.zip` }).toArray()) {
      await bucket.delete(file._id);
    }
  }
}
