import type { SmxContext } from '../../../src/context';
import { SmxError } from '../../../src/errors';
import { isApprover } from '../../../src/services/approvers';
import { draftCampaignPost } from '../../../src/services/campaign-post';
import { renderPoster, uploadPoster } from '../../../src/services/campaign-qr';
import { campaignResults } from '../../../src/services/campaign-results';
import {
  CAMPAIGN_MESSAGES,
  type CampaignView,
  campaignNewExample,
  campaignUrl,
  createCampaign,
  endCampaign,
  findCampaign,
  listCampaigns,
  parseNewCampaign,
  requireCampaignUrl,
} from '../../../src/services/campaigns';
import { knownFacilities, resolveFacility } from '../../../src/services/facilities';
import { scheduledConfirmation } from '../../../src/services/posts';
import { campaignListMessage, campaignMessage, campaignTitle } from '../../../src/slack/blocks/campaigns';
import { quoteOutside } from '../../../src/slack/text';
import type { Subcommand, SubcommandInput } from './types';

export const CAMPAIGN_CREATED = (c: CampaignView, url: string | undefined, wholeHospitalHint: boolean) =>
  `:clipboard: Campaign *${c.shortId}* created: ${campaignTitle(c)} · goal ${c.goalPercent} %${
    c.language ? ` · page in English and ${c.language}` : ''
  }.\n${url ? `Page: ${url}` : `Page: \`/f/${c.slug}\` (set SMX_PUBLIC_URL for its full link and QR code)`}\nNext: \`/smx campaign qr ${c.shortId}\` prints a QR code for the desks · \`/smx campaign post ${c.shortId}\` drafts a post asking for feedback · \`/smx campaign ${c.shortId}\` shows the results.${
    wholeHospitalHint
      ? `\n_It counts visits of the whole hospital. For one facility, put both in quotes: \`/smx campaign new "${quoteOutside(c.name, 60)}" "North Clinic" from … to …\`_`
      : ''
  }`;

export const CAMPAIGN_ENDED = (c: CampaignView) =>
  `:black_circle: Campaign *${c.shortId}* “${quoteOutside(c.name, 80)}” has ended: its page now says it is closed. Its results stay in \`/smx campaign ${c.shortId}\`.`;

export const QR_UPLOADED = (c: CampaignView) =>
  `Uploaded the QR poster of *${c.shortId}* here (PNG to print, SVG for any size).`;

const links = (ctx: SmxContext) => ({ url: (c: CampaignView) => campaignUrl(ctx.config, c) });

async function requireApprover(input: SubcommandInput, what: string): Promise<void> {
  if (!(await isApprover(input.ctx, input.client, input.command.user_id))) {
    throw new SmxError('NOT_ALLOWED', CAMPAIGN_MESSAGES.notApprover(what));
  }
}

export const campaign: Subcommand = {
  name: 'campaign',
  aliases: ['campaigns'],
  summary:
    'Feedback campaigns with a patient feedback page: list, new (approvers), <id> for results, end (approvers), qr (printable code), post (asks on social media).',
  example: (config) => campaignNewExample(config.dateOrder),
  async run(input) {
    const { ctx, args, command, respond, client } = input;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(args);
    const verb = (m?.[1] ?? '').toLowerCase();
    const rest = (m?.[2] ?? '').trim();
    const idOf = (s: string) => {
      const id = s.split(/\s+/)[0] ?? '';
      if (id === '') throw new SmxError('BAD_INPUT', CAMPAIGN_MESSAGES.usage(ctx.config.dateOrder));
      return id;
    };
    switch (verb) {
      case '':
      case 'list': {
        const results = await campaignResults(ctx, await listCampaigns(ctx));
        await respond({
          response_type: 'ephemeral',
          ...campaignListMessage(results, links(ctx), campaignNewExample(ctx.config.dateOrder)),
        });
        return;
      }
      case 'new': {
        const parsed = parseNewCampaign(rest, ctx.now(), ctx.config, await knownFacilities(ctx.config));
        // A quoted facility is taken as typed by the parser: it must still be one smx knows.
        if (parsed.facility !== null) {
          parsed.facility = await resolveFacility(
            ctx.config,
            parsed.facility,
            `/smx campaign new "${parsed.name.slice(0, 40)}" from … to …`,
          );
        }
        await requireApprover(input, 'create');
        const c = await createCampaign(ctx, parsed, command.user_id);
        const quoted = /^["“]/.test(rest);
        await respond({
          response_type: 'ephemeral',
          text: CAMPAIGN_CREATED(c, campaignUrl(ctx.config, c), c.facility === null && !quoted),
        });
        return;
      }
      case 'end': {
        const id = idOf(rest);
        await requireApprover(input, 'end');
        const c = await endCampaign(ctx, id, command.user_id);
        await respond({ response_type: 'ephemeral', text: CAMPAIGN_ENDED(c) });
        return;
      }
      case 'qr': {
        const c = await findCampaign(idOf(rest));
        const url = requireCampaignUrl(ctx.config, c);
        const poster = renderPoster(c, url, ctx.config.campaigns.hospitalName);
        await uploadPoster(
          client,
          command.channel_id,
          poster,
          `QR poster for ${campaignTitle(c)} — print it for the reception and discharge desks. It opens ${url}`,
        );
        ctx.logger.info({ event: 'campaign_qr', campaign: c.shortId }, 'campaign QR uploaded');
        await respond({ response_type: 'ephemeral', text: QR_UPLOADED(c) });
        return;
      }
      case 'post': {
        const id = idOf(rest);
        const post = await draftCampaignPost(
          ctx,
          client,
          id,
          rest.slice(id.length),
          command.user_id,
          command.channel_id,
        );
        await respond({ response_type: 'ephemeral', text: scheduledConfirmation(ctx, post) });
        return;
      }
      default: {
        if (rest !== '') throw new SmxError('BAD_INPUT', CAMPAIGN_MESSAGES.usage(ctx.config.dateOrder));
        const [result] = await campaignResults(ctx, [await findCampaign(verb)]);
        if (!result) throw new SmxError('NOT_FOUND', CAMPAIGN_MESSAGES.notFound(verb));
        await respond({ response_type: 'ephemeral', ...campaignMessage(result, links(ctx)) });
      }
    }
  },
};
