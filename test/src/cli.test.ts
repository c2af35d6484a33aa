/** Runs `smx import` for real, as a child process (bin/smx.js), against this test file's database. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Review } from '../../models/review';
import { SourceState } from '../../models/source-state';
import { runSmx } from '../support/cli';
import { testDbUri, useTestDatabase } from '../support/db';

function uriFor(dbName: string): string {
  const u = new URL(testDbUri());
  u.pathname = `/${dbName}`;
  return u.toString();
}

const run = (args: string[], dbName: string, cwd: string) =>
  runSmx(args, {
    cwd,
    // City Hospital is a configured facility, so `--facility City Hospital` is one smx knows.
    env: {
      MONGODB_URI: uriFor(dbName),
      SMX_TIMEZONE: 'Asia/Kolkata',
      SMX_FACILITY_CHANNELS: 'City Hospital=C0CITY',
    },
  });

const MALFORMED = [
  'external_id,rating,text,author,url,posted_at,facility',
  'M1,5,"Excellent cardiology team",Asha,https://www.mouthshut.com/r/1,2026-11-01,',
  'M2,1,"Billing overcharged me, twice",Ravi,,2026-11-02T10:00:00+05:30,North Clinic',
  'M3,six,"Nice",,,,',
  ',4,"no id",,,,',
  'M4,3,"Too",many,fields,here,x,y,z',
  'M5,2,"Waited',
  'four hours",,,,',
  'M6,,,,,,',
  'M7,4,"ok",,not-a-url,,',
  'M8,4,"ok",,,last tuesday,',
  'M1,5,"Excellent cardiology team",Asha,https://www.mouthshut.com/r/1,2026-11-01,',
  'M9,,"The parking was awful",,,,',
  '',
].join('\n');

describe('npx smx import', () => {
  const db = useTestDatabase();
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-import-'));
    fs.writeFileSync(path.join(dir, 'mouthshut.csv'), MALFORMED);
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a malformed CSV: good rows stored, each bad row reported with its line and reason', async () => {
    const name = db().connection.name;
    const r = await run(
      ['import', 'mouthshut.csv', '--source', 'mouthshut', '--facility', 'City Hospital'],
      name,
      dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'Imported mouthshut.csv as source "mouthshut": 4 inserted, 0 duplicate, 7 rejected.',
      'Rejected:',
      '  line 4: rating must be a whole number from 1 to 5',
      '  line 5: external_id is required (a string, unique per source)',
      '  line 6: not a valid CSV row: 9 fields, the header has 7',
      '  line 9: text needs a text or a rating',
      '  line 10: url must be an http(s) URL',
      '  line 11: posted_at must be an ISO 8601 time, e.g. 2026-11-24T09:30:00Z',
      "  line 12: external_id 'M1' is already used on line 2 of this file; only line 2 was imported",
      '',
    ]);

    const stored = await Review.find({ source: 'mouthshut' }).sort({ externalId: 1 }).lean();
    expect(stored.map((s) => s.externalId)).toEqual(['M1', 'M2', 'M5', 'M9']);
    expect(stored[0]).toMatchObject({
      rating: 5,
      facility: 'City Hospital',
      sentiment: 'positive',
      authorName: 'Asha',
    });
    expect(stored[1]).toMatchObject({
      facility: 'North Clinic',
      sentiment: 'negative',
      postedAt: new Date('2026-11-02T04:30:00Z'),
    });
    expect(stored[2]?.text).toBe('Waited\nfour hours');
    expect(stored[3]).toMatchObject({ rating: null, sentiment: 'negative', status: 'new' });
    expect((await SourceState.findById('mouthshut').lean())?.lastSuccessAt).toBeInstanceOf(Date);
  });

  test('importing the same file again inserts nothing', async () => {
    const r = await run(['import', 'mouthshut.csv', '--source', 'mouthshut'], db().connection.name, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 inserted, 4 duplicate, 7 rejected.');
    expect(await Review.countDocuments({ source: 'mouthshut' })).toBe(4);
  });

  test('a broken quote: that line is rejected, every good row after it is imported, the counts add up', async () => {
    fs.writeFileSync(
      path.join(dir, 'quotes.csv'),
      [
        'external_id,rating,text,author,url,posted_at,facility',
        'Q1,5,"Kind nurses, clean ward",,,,',
        'Q2,1,"unterminated… the doctor never came,,,,',
        'Q3,4,Good OPD,,,,',
        'Q4,2,"Long wait, rude guard",,,,',
        'Q5,3,"Two',
        'lines",,,,',
        '',
      ].join('\n'),
    );
    const r = await run(['import', 'quotes.csv', '--source', 'quotes'], db().connection.name, dir);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(
      'Imported quotes.csv as source "quotes": 4 inserted, 0 duplicate, 1 rejected.',
    );
    expect(r.stdout).toContain("  line 3: its quotes don't balance");
    const stored = await Review.find({ source: 'quotes' }).sort({ externalId: 1 }).lean();
    expect(stored.map((s) => [s.externalId, s.text])).toEqual([
      ['Q1', 'Kind nurses, clean ward'],
      ['Q3', 'Good OPD'],
      ['Q4', 'Long wait, rude guard'],
      ['Q5', 'Two\nlines'],
    ]);
  });

  test('--facility smx has never seen is refused with the known ones, and imported only with --new-facility', async () => {
    fs.writeFileSync(
      path.join(dir, 'newclinic.csv'),
      ['external_id,rating,text,author,url,posted_at,facility', 'N1,4,Good OPD,,,,', ''].join('\n'),
    );
    const name = db().connection.name;
    const refused = await run(
      ['import', 'newclinic.csv', '--source', 'newclinic', '--facility', 'Cty Hospital'],
      name,
      dir,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("smx knows no facility called 'Cty Hospital'");
    expect(refused.stderr).toContain('City Hospital');
    expect(refused.stderr).toContain('add --new-facility');
    expect(refused.stderr).toContain('Nothing was imported.');
    expect(await Review.countDocuments({ source: 'newclinic' })).toBe(0);

    const known = await run(
      ['import', 'newclinic.csv', '--source', 'newclinic', '--facility', 'city hospital'],
      name,
      dir,
    );
    expect(known.code).toBe(0);
    expect((await Review.findOne({ source: 'newclinic' }).lean())?.facility).toBe('City Hospital');

    fs.writeFileSync(
      path.join(dir, 'newclinic2.csv'),
      ['external_id,rating,text,author,url,posted_at,facility', 'N2,5,Kind staff,,,,', ''].join('\n'),
    );
    const added = await run(
      [
        'import',
        'newclinic2.csv',
        '--source',
        'newclinic',
        '--facility',
        'East Wing Clinic',
        '--new-facility',
      ],
      name,
      dir,
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect((await Review.findOne({ externalId: 'N2' }).lean())?.facility).toBe('East Wing Clinic');
  });

  test('a JSON file imports the same way', async () => {
    fs.writeFileSync(
      path.join(dir, 'practo.json'),
      JSON.stringify([
        { external_id: 'P1', rating: 4, text: 'Good OPD' },
        { externalId: 'P2', text: 'Rude reception', postedAt: '2026-11-20T09:00:00Z' },
        { external_id: 'P3', rating: 9 },
      ]),
    );
    const r = await run(['import', 'practo.json', '--source', 'practo'], db().connection.name, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'Imported practo.json as source "practo": 2 inserted, 0 duplicate, 1 rejected.\nRejected:\n  item 3: rating must be a whole number from 1 to 5\n',
    );
  });

  test('usage errors exit 2, unusable input exits 1; nothing is imported', async () => {
    const name = db().connection.name;
    const noSource = await run(['import', 'mouthshut.csv'], name, dir);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toContain('--source is required');
    expect(noSource.stderr).toContain('Usage: npx smx import');

    const noFile = await run(['import', 'missing.csv', '--source', 'mouthshut'], name, dir);
    expect(noFile.code).toBe(1);
    expect(noFile.stderr).toContain('cannot find the file missing.csv');

    const apiName = await run(['import', 'mouthshut.csv', '--source', 'google'], name, dir);
    expect(apiName.code).toBe(2);
    expect(apiName.stderr).toContain('--source google is a source smx reads itself');

    fs.writeFileSync(path.join(dir, 'headerless.csv'), 'A1,5,great\nA2,1,bad\n');
    const headerless = await run(['import', 'headerless.csv', '--source', 'other'], name, dir);
    expect(headerless.code).toBe(1);
    expect(headerless.stderr).toContain('must name the columns and include external_id');
    expect(headerless.stderr).toContain('Nothing was imported.');
    expect(await Review.countDocuments({ source: 'other' })).toBe(0);
  });

  test('usage errors that never reach the file exit 2', async () => {
    const name = db().connection.name;
    const unknownOption = await run(['import', 'mouthshut.csv', '--source', 'x', '--sauce', 'y'], name, dir);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("Unknown option '--sauce'");
    expect((await run(['imprt', 'mouthshut.csv'], name, dir)).code).toBe(2);
    expect((await run([], name, dir)).code).toBe(2);
    // Seven child processes, each compiling the CLI: the bound only keeps a loaded machine from failing it.
  }, 240_000);
});
