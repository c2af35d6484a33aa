/** Every collection, so start-up and test setup can build and await all indexes. Add new models here. */
import { AudienceSnapshot } from './audience-snapshot';
import { Audit } from './audit';
import { Campaign } from './campaign';
import { CampaignResponse } from './campaign-response';
import { CannedPost } from './canned-post';
import { Claim } from './claim';
import { Decision } from './decision';
import { DeliveryState } from './delivery-state';
import { DigestInbox } from './digest-inbox';
import { DigestLog } from './digest-log';
import { Goal } from './goal';
import { Post } from './post';
import { PostDesk, PostKey } from './post-working-set';
import { Publication } from './publication';
import { QuotaSpend } from './quota-spend';
import { ReplyOrigin } from './reply-origin';
import { ReplyTemplate } from './reply-template';
import { Review } from './review';
import { ReviewDesk } from './review-desk';
import { RollupDelta, RollupDoc, RollupMark } from './rollup';
import { SeenRequest } from './seen-request';
import { SlackOutbox } from './slack-outbox';
import { SourceState } from './source-state';
import { TagGuideline } from './tag-guideline';
import { Visit } from './visit';

export {
  AudienceSnapshot,
  Audit,
  Campaign,
  CampaignResponse,
  CannedPost,
  Claim,
  Decision,
  DeliveryState,
  DigestInbox,
  DigestLog,
  Goal,
  Post,
  PostDesk,
  PostKey,
  Publication,
  QuotaSpend,
  ReplyOrigin,
  ReplyTemplate,
  Review,
  ReviewDesk,
  RollupDelta,
  RollupDoc,
  RollupMark,
  SeenRequest,
  SlackOutbox,
  SourceState,
  TagGuideline,
  Visit,
};

export const allModels = [
  Claim,
  Decision,
  Audit,
  Review,
  SourceState,
  Post,
  Publication,
  Goal,
  Visit,
  AudienceSnapshot,
  TagGuideline,
  CannedPost,
  DigestInbox,
  DigestLog,
  DeliveryState,
  QuotaSpend,
  SeenRequest,
  Campaign,
  CampaignResponse,
  ReplyTemplate,
  ReplyOrigin,
  SlackOutbox,
  RollupDelta,
  RollupDoc,
  RollupMark,
  ReviewDesk,
  PostDesk,
  PostKey,
] as const;
