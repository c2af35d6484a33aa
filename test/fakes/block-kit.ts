/**
 * The Block Kit limits Slack enforces (test-seams.md). The fake Slack rejects what real Slack would, so a test that
 * builds an oversized message fails like production would.
 */

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (v: unknown): string => (isObj(v) && typeof v.text === 'string' ? v.text : '');

function checkIds(el: Json, where: string, problems: string[]): void {
  for (const key of ['action_id', 'block_id'] as const) {
    const v = el[key];
    if (typeof v === 'string' && v.length > 255) problems.push(`${where}.${key} longer than 255`);
  }
}

function checkElement(el: unknown, where: string, problems: string[]): void {
  if (!isObj(el)) return;
  checkIds(el, where, problems);
  if (el.type === 'plain_text_input') {
    const max = typeof el.max_length === 'number' ? el.max_length : 3000;
    if (max > 3000) problems.push(`${where} max_length ${max} > 3000`);
    if (typeof el.initial_value === 'string' && el.initial_value.length > max)
      problems.push(`${where} initial_value ${el.initial_value.length} > ${max}`);
  }
  if (el.type === 'button') {
    if (textOf(el.text).length > 75) problems.push(`${where} button text longer than 75`);
    if (typeof el.value === 'string' && el.value.length > 2000)
      problems.push(`${where} button value longer than 2000`);
  }
}

/** Returns every limit a list of blocks breaks; empty when Slack would accept it. */
export function blockProblems(blocks: unknown, maxBlocks: number): string[] {
  const problems: string[] = [];
  if (blocks === undefined) return problems;
  if (!Array.isArray(blocks)) return ['blocks is not an array'];
  if (blocks.length > maxBlocks) problems.push(`${blocks.length} blocks (limit ${maxBlocks})`);
  blocks.forEach((b, i) => {
    const where = `blocks[${i}]`;
    if (!isObj(b)) {
      problems.push(`${where} is not an object`);
      return;
    }
    checkIds(b, where, problems);
    switch (b.type) {
      case 'section': {
        if (textOf(b.text).length > 3000)
          problems.push(`${where} section text ${textOf(b.text).length} > 3000`);
        if (Array.isArray(b.fields)) {
          if (b.fields.length > 10) problems.push(`${where} has ${b.fields.length} fields (limit 10)`);
          b.fields.forEach((f, j) => {
            if (textOf(f).length > 2000) problems.push(`${where}.fields[${j}] longer than 2000`);
          });
        }
        if (b.text === undefined && b.fields === undefined)
          problems.push(`${where} section without text or fields`);
        checkElement(b.accessory, `${where}.accessory`, problems);
        break;
      }
      case 'header':
        if (textOf(b.text).length > 150) problems.push(`${where} header longer than 150`);
        if (isObj(b.text) && b.text.type !== 'plain_text')
          problems.push(`${where} header must be plain_text`);
        break;
      case 'context':
        if (!Array.isArray(b.elements) || b.elements.length === 0)
          problems.push(`${where} context without elements`);
        else if (b.elements.length > 10)
          problems.push(`${where} context has ${b.elements.length} elements (limit 10)`);
        break;
      case 'actions':
        if (!Array.isArray(b.elements) || b.elements.length === 0)
          problems.push(`${where} actions without elements`);
        else {
          if (b.elements.length > 25)
            problems.push(`${where} actions has ${b.elements.length} elements (limit 25)`);
          b.elements.forEach((el, j) => {
            checkElement(el, `${where}.elements[${j}]`, problems);
          });
        }
        break;
      case 'input':
        checkElement(b.element, `${where}.element`, problems);
        break;
      default:
        break;
    }
  });
  return problems;
}

function allText(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + allText(x), 0);
  if (isObj(v)) return Object.values(v).reduce((n: number, x) => n + allText(x), 0);
  return 0;
}

/** Problems with a whole message (chat.postMessage / chat.update / response_url). */
export function messageProblems(args: Json): string[] {
  const problems = blockProblems(args.blocks, 50);
  if (typeof args.text !== 'string' || args.text.trim() === '') {
    if (args.blocks !== undefined) problems.push('no text fallback');
    else problems.push('no text');
  }
  if (typeof args.text === 'string' && args.text.length > 40000) problems.push('text longer than 40000');
  if (args.blocks !== undefined && allText(args.blocks) > 13000) problems.push('msg_blocks_too_long');
  return problems;
}

/** Problems with a modal or App Home view. */
export function viewProblems(view: unknown): string[] {
  if (!isObj(view)) return ['view is not an object'];
  const problems = blockProblems(view.blocks, 100);
  if (view.type === 'modal') {
    const title = textOf(view.title);
    if (title === '') problems.push('modal without title');
    if (title.length > 24) problems.push(`modal title '${title}' longer than 24`);
    for (const k of ['submit', 'close'] as const) {
      if (textOf(view[k]).length > 24) problems.push(`modal ${k} longer than 24`);
    }
  }
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) {
    problems.push('private_metadata longer than 3000');
  }
  if (typeof view.callback_id === 'string' && view.callback_id.length > 255)
    problems.push('callback_id longer than 255');
  return problems;
}
