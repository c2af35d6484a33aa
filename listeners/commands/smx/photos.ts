import { listPhotos } from '../../../src/services/photos';
import { photosMessage } from '../../../src/slack/blocks/media';
import type { Subcommand } from './types';

/** `/smx photos`: the hospital's recent Flickr photos and albums with links for posts. */
export const photos: Subcommand = {
  name: 'photos',
  summary: "List the hospital's recent Flickr photos and albums with links to use in posts.",
  example: '/smx photos',
  async run({ ctx, respond }) {
    const report = await listPhotos(ctx);
    await respond({ response_type: 'ephemeral', ...photosMessage(report, ctx.config.timezone) });
  },
};
