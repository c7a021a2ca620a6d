// Adds lock-file entries for Tailwind's native binaries of other platforms when npm left them out.
// Why: the package mirror these machines use does not carry the darwin/win32/android/freebsd/wasm builds, so
// `npm install` writes a lock without them, and `npm ci` then refuses the lock ("Missing: … from lock file").
// An entry with its os/cpu and no download address satisfies `npm ci`, which skips it on a non-matching platform.
// Run after `npm install`: node tools/complete-lock.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
const platforms = {
  'android-arm64': [['android'], ['arm64']], 'darwin-arm64': [['darwin'], ['arm64']], 'darwin-x64': [['darwin'], ['x64']],
  'freebsd-x64': [['freebsd'], ['x64']], 'linux-arm-gnueabihf': [['linux'], ['arm']], 'wasm32-wasi': [null, ['wasm32']],
  'win32-arm64-msvc': [['win32'], ['arm64']], 'win32-x64-msvc': [['win32'], ['x64']],
};
const reference = packages['node_modules/@tailwindcss/oxide-linux-x64-gnu'];
if (!reference) throw new Error('no @tailwindcss/oxide-linux-x64-gnu in the lock: run npm install first');
let added = 0;
for (const [name, [os, cpu]] of Object.entries(platforms)) {
  const key = `node_modules/@tailwindcss/oxide-${name}`;
  if (packages[key]) continue;
  packages[key] = { version: reference.version, cpu, dev: true, license: reference.license, optional: true, ...(os ? { os } : {}), engines: reference.engines };
  added++;
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lock: ${added} entr${added === 1 ? 'y' : 'ies'} added`);
