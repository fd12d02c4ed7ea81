import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packTarGz, unpackTarGz } from '../../src/archive/tarGz.js';

const t = suite('tar.gz (ustar)');
const text = (s: string) => new TextEncoder().encode(s);

t('round trip: names, bytes (block boundaries) and mtimes', () => {
  const long = `${'a'.repeat(90)}/${'b'.repeat(90)}/INFO.log`;
  const entries = [
    { name: 'guest/10000/dataio_0/INFO.log', data: text('[INFO] started\n'), mtime: 1_700_000_000 },
    { name: 'empty', data: new Uint8Array(0), mtime: 1 },
    { name: 'block', data: new Uint8Array(512).fill(7), mtime: 2 },
    { name: long, data: text('x'), mtime: 3 },
  ];
  const back = unpackTarGz(packTarGz(entries));
  assert.equal(back.map((e) => [e.name, Buffer.from(e.data).toString('hex'), e.mtime]), entries.map((e) => [e.name, Buffer.from(e.data).toString('hex'), e.mtime]));
});

t('the system tar reads what packTarGz writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fedflow-tar-'));
  try {
    writeFileSync(join(dir, 'a.tar.gz'), packTarGz([{ name: 'x/y.csv', data: text('id,y\n1,0\n') }]));
    assert.is(execFileSync('tar', ['-xzf', 'a.tar.gz'], { cwd: dir }).length, 0);
    assert.is(readFileSync(join(dir, 'x', 'y.csv'), 'utf8'), 'id,y\n1,0\n');
    execFileSync('tar', ['-czf', 'b.tar.gz', 'x'], { cwd: dir });
    assert.equal(unpackTarGz(readFileSync(join(dir, 'b.tar.gz'))).map((e) => e.name), ['x/y.csv']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

t('unsafe names are refused both ways', () => {
  for (const name of ['/etc/passwd', '../x', 'a/../../x', '']) assert.throws(() => packTarGz([{ name, data: text('') }]), /unsafe entry name/);
});
t.run();
