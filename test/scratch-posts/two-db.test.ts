import { useTestDatabase } from '../support/db';
import { startTestApp } from '../support/app';
describe('a', () => {
  const db = useTestDatabase();
  test('x', async () => { const t = await startTestApp({ db: db() }); await t.stop(); });
});
describe('b', () => {
  const db = useTestDatabase();
  test('y', async () => { const t = await startTestApp({ db: db() }); await t.stop(); });
});
