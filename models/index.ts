/** Every collection, so start-up and test setup can build and await all indexes. Add new models here. */
import { Audit } from './audit';
import { Claim } from './claim';
import { Post } from './post';
import { Publication } from './publication';
import { Review } from './review';
import { SourceState } from './source-state';

export { Audit, Claim, Post, Publication, Review, SourceState };

export const allModels = [Claim, Audit, Review, SourceState, Post, Publication] as const;
