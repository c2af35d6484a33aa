/** Every collection, so start-up and test setup can build and await all indexes. Add new models here. */
import { Audit } from './audit';
import { Claim } from './claim';

export { Audit, Claim };

export const allModels = [Claim, Audit] as const;
