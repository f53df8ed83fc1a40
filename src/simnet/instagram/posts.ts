/**
 * Posts, reels and stories: what a thread item can share (`media_share`, `clip`) or reply to
 * (`reel_share`). Instagram media ids are `<media pk>_<owner pk>`, the shortcode in a post's URL
 * is the media pk in base 64, and stories disappear after a day.
 */
import type { SimnetDatabase } from "../core/database.js";
import { badRequest } from "../core/protocol-error.js";
import type { Accounts } from "./accounts.js";
import { notFound } from "./errors.js";
import { shortcode, type TimeOrderedIds } from "./ids.js";
import { LIMITS, type IgPost } from "./protocol.js";

export type PostKind = "post" | "reel" | "story";

interface Row {
  pk: string;
  media_id: string;
  code: string;
  owner: string;
  kind: PostKind;
  caption: string;
  image_url: string;
  taken_at: number;
  expires_at: number | null;
}

const PRODUCT = { post: "feed", reel: "clips", story: "story" } as const;
const URL_PATH = { post: "p", reel: "reel", story: "stories" } as const;

export class Posts {
  private readonly s;

  constructor(
    db: SimnetDatabase,
    private readonly ids: TimeOrderedIds,
    private readonly accounts: Accounts,
    private readonly now: () => number,
  ) {
    this.s = {
      insert: db.prepare<[bigint, string, string, string, string, string, string, number, number | null]>(
        "INSERT INTO posts (pk, media_id, code, owner, kind, caption, image_url, taken_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      get: db.prepare<[string], Row>(
        "SELECT CAST(pk AS TEXT) AS pk, media_id, code, owner, kind, caption, image_url, taken_at, expires_at FROM posts WHERE media_id = ?",
      ),
    };
  }

  static largestPk(db: SimnetDatabase): bigint {
    const pk = db.prepare<[], { pk: string | null }>("SELECT CAST(MAX(pk) AS TEXT) AS pk FROM posts").get()?.pk;
    return pk ? BigInt(pk) : 0n;
  }

  /** Publishes a post, reel or story; `imageUrl` defaults to the post's own media URL. */
  create(owner: string, kind: PostKind, caption: string, imageUrl?: string): IgPost {
    if ([...caption].length > LIMITS.captionMaxChars) throw badRequest("caption_too_long", `a caption has at most ${LIMITS.captionMaxChars} characters`);
    this.accounts.require(owner);
    const pk = this.ids.next();
    const code = shortcode(pk);
    const now = this.now();
    const mediaId = `${pk}_${owner}`;
    const image = imageUrl ?? `https://www.instagram.com/${URL_PATH[kind]}/${code}/media/?size=l`;
    this.s.insert.run(pk, mediaId, code, owner, kind, caption, image, now, kind === "story" ? now + LIMITS.storyLifetimeMs : null);
    return this.get(mediaId);
  }

  get(mediaId: string): IgPost {
    const row = /^\d{1,19}_\d{1,20}$/.test(mediaId) ? this.s.get.get(mediaId) : undefined;
    if (!row) throw notFound("media_not_found", `Media not found: ${mediaId}`);
    const user = this.accounts.user(row.owner);
    return {
      id: row.media_id,
      code: row.code,
      media_type: row.kind === "reel" ? 2 : 1,
      product_type: PRODUCT[row.kind],
      user: { pk: user.pk, username: user.username },
      caption: row.caption ? { text: row.caption } : null,
      image_url: row.image_url,
      taken_at: Math.floor(row.taken_at / 1000),
      ...(row.expires_at !== null ? { expiring_at: Math.floor(row.expires_at / 1000) } : {}),
      url:
        row.kind === "story"
          ? `https://www.instagram.com/stories/${user.username}/${row.pk}/`
          : `https://www.instagram.com/${URL_PATH[row.kind]}/${row.code}/`,
    };
  }
}
