#!/usr/bin/env node
// Kazasu bootstrap: makes this machine ready for `npm start` and `npm test`. Idempotent: every
// step checks first and acts only when something is missing, so a ready machine passes in well
// under a second. Plain Node with no dependencies, because it runs before `npm install`.
//
//   node scripts/bootstrap.js start|test [--dry-run]
//
// What it may do, and prints when it does: install missing Debian packages (root only), install
// npm dependencies, start pcscd (restarting it once when vpcd was installed after it started),
// give the simulators' loopback address a `quickack` route (see reader/vpcd/constants.ts), and
// start CUPS with the Kazasu-PDF cups-pdf queue the counter demo and the printing tests use.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MIN_NODE = [20, 19];
const VPCD_PORT = 35963;
const SIM_HOST = '127.35.96.3';

/** Debian packages per command. Later features add theirs here, and only here. */
export const PACKAGES = {
  start: [
    'pcscd', // the PC/SC daemon
    'libpcsclite-dev', // headers for the pcsclite binding
    'vsmartcard-vpcd', // virtual reader driver: simulated cards appear in real pcscd
    'socat', // pty pairs for serial device simulators
    'iproute2', // `ip route`, for the quickack route of the vpcd loopback address
    'make',
    'g++',
    'python3', // node-gyp builds the native bindings
    'libudev-dev', // node-hid builds against hidraw when its prebuilt binary does not fit
    'cups', // printing: forms at the counter
    'printer-driver-cups-pdf', // a CUPS queue that writes PDF files: the demo's printer
    'fonts-ipamj-mincho', // IPAmj Mincho: the MJ character set for names and addresses on forms
    'fonts-ipaexfont-gothic', // IPAex Gothic: form labels
    'fonts-ipaexfont-mincho',
  ],
  test: [
    'util-linux', // unshare: each integration test file runs its own private pcscd
    'poppler-utils', // pdftotext and pdftoppm read printed forms back
    'chromium', // the renderer's end-to-end tests (playwright-core drives /usr/bin/chromium)
  ],
};

const mode = process.argv[2] === 'test' ? 'test' : 'start';
const dryRun = process.argv.includes('--dry-run');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function say(message) {
  console.log(`[kazasu bootstrap] ${message}`);
}

function fail(message) {
  console.error(`[kazasu bootstrap] ERROR: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  if (dryRun) {
    say(`(dry run) would run: ${command} ${args.join(' ')}`);
    return;
  }
  const r = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT, ...options });
  if (r.status !== 0) fail(`"${command} ${args.join(' ')}" failed (exit ${r.status ?? r.signal})`);
}

function capture(command, args) {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : undefined;
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    fail(`Node ${MIN_NODE.join('.')} or newer is needed; this is ${process.versions.node}.`);
  }
}

function missingDebianPackages(wanted) {
  if (!existsSync('/usr/bin/dpkg-query')) return undefined;
  const out = capture('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...wanted]) ?? '';
  const installed = new Set(
    out
      .split('\n')
      .filter((l) => l.endsWith(' install ok installed'))
      .map((l) => l.split(' ')[0].replace(/:.*$/, '')),
  );
  return wanted.filter((p) => !installed.has(p));
}

function ensureDebianPackages() {
  const wanted = mode === 'test' ? [...PACKAGES.start, ...PACKAGES.test] : PACKAGES.start;
  const missing = missingDebianPackages(wanted);
  if (missing === undefined) {
    say('not a Debian system: install by hand the equivalents of ' + wanted.join(' '));
    return false;
  }
  if (missing.length === 0) return false;
  if (!isRoot) {
    fail(
      `missing Debian packages: ${missing.join(' ')}\n` +
        `  Install them as root, then run this again:\n` +
        `    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`,
    );
  }
  say(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
  return missing.includes('vsmartcard-vpcd');
}

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

function ensureNpmDependencies() {
  const marker = join(ROOT, 'node_modules', '.package-lock.json');
  const lock = join(ROOT, 'package-lock.json');
  const stale =
    !existsSync(marker) ||
    mtime(lock) > mtime(marker) ||
    mtime(join(ROOT, 'package.json')) > mtime(marker);
  if (stale) {
    const ci = existsSync(lock);
    say(
      `installing npm dependencies (npm ${ci ? 'ci' : 'install'}); native bindings are built from source`,
    );
    run('npm', [ci ? 'ci' : 'install', '--no-audit', '--no-fund']);
  }
  const binding = join(ROOT, 'node_modules', 'pcsclite', 'build', 'Release', 'pcsclite.node');
  if (!dryRun && !existsSync(binding)) {
    say('building the pcsclite binding (npm rebuild pcsclite)');
    run('npm', ['rebuild', 'pcsclite']);
  }
}

/** Ports in LISTEN state, from /proc/net/tcp (no connection: connecting to vpcd inserts a card). */
function listeningPorts() {
  const ports = new Set();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A') ports.add(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return ports;
}

function pcscdPid() {
  const out = capture('pgrep', ['-x', 'pcscd']);
  return out ? Number(out.trim().split('\n')[0]) : undefined;
}

function systemdRunning() {
  return existsSync('/run/systemd/system') && existsSync('/usr/bin/systemctl');
}

function startPcscd() {
  if (systemdRunning()) run('systemctl', ['start', 'pcscd.service']);
  else run('/usr/sbin/pcscd', []);
}

function waitFor(check, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    execFileSync('sleep', ['0.1']);
  }
  return check();
}

function ensurePcscd(vpcdJustInstalled) {
  if (!existsSync('/usr/sbin/pcscd')) return;
  const pid = pcscdPid();
  const vpcdInstalled = existsSync('/usr/lib/pcsc/drivers/serial/libifdvpcd.so');
  if (pid === undefined) {
    if (!isRoot && !systemdRunning())
      fail('pcscd is not running; start it as root: sudo /usr/sbin/pcscd');
    say('starting pcscd');
    startPcscd();
  } else if (vpcdInstalled && (vpcdJustInstalled || !listeningPorts().has(VPCD_PORT))) {
    // pcscd loads reader drivers when it starts: one that predates vpcd has no virtual reader.
    if (!isRoot) fail('pcscd was started before vsmartcard-vpcd was installed; restart it as root');
    say('restarting pcscd so it loads the vpcd virtual reader driver');
    if (systemdRunning()) run('systemctl', ['restart', 'pcscd.service']);
    else {
      if (!dryRun) process.kill(pid, 'SIGTERM');
      if (!dryRun) waitFor(() => pcscdPid() === undefined, 5000);
      startPcscd();
    }
  } else {
    return;
  }
  if (!dryRun && vpcdInstalled && !waitFor(() => listeningPorts().has(VPCD_PORT), 5000)) {
    fail(`pcscd runs but vpcd does not listen on TCP ${VPCD_PORT}; see /etc/reader.conf.d/vpcd`);
  }
}

function ensureQuickackRoute() {
  if (!existsSync('/usr/sbin/ip') && !existsSync('/sbin/ip') && !existsSync('/usr/bin/ip')) return;
  const route = capture('ip', ['route', 'show', 'table', 'local', `${SIM_HOST}/32`]) ?? '';
  if (route.includes('quickack 1')) return;
  if (!isRoot) {
    say(
      `note: without root, simulated-card round trips stay ~40 ms (delayed ACK); as root: ip route replace local ${SIM_HOST}/32 dev lo table local quickack 1`,
    );
    return;
  }
  say(`adding a quickack route for the simulators' loopback address ${SIM_HOST}`);
  const r = dryRun
    ? { status: 0 }
    : spawnSync('ip', [
        'route',
        'replace',
        'local',
        `${SIM_HOST}/32`,
        'dev',
        'lo',
        'table',
        'local',
        'quickack',
        '1',
      ]);
  if (r.status !== 0)
    say(
      'could not add the route (no CAP_NET_ADMIN?); simulated cards will be slower, nothing else changes',
    );
}

// Printing (issue 6): the counter prints its forms through CUPS. The demo and the tests print to
// a cups-pdf queue, Kazasu-PDF, with its own cups-pdf config (/etc/cups/cups-pdf-kazasu.conf,
// read for the device URI cups-pdf:/kazasu) so its files land in one known folder, named after
// the job title with "-job_N" at the end. The queue converts PDF to PostScript with pdftocairo:
// Poppler's pdftops and Ghostscript's ps2write drop the text layer of CID fonts, and tests read
// the printed PDF back with pdftotext. CUPS keeps job files for a day by default; a form holds
// names and addresses, so PreserveJobFiles is turned off.
const CUPS_QUEUE = 'Kazasu-PDF';
const CUPS_PDF_DEVICE = 'cups-pdf:/kazasu';
const CUPS_PDF_CONF = '/etc/cups/cups-pdf-kazasu.conf';
const CUPS_PDF_OUT = '/var/spool/cups-pdf/kazasu';
const CUPS_PDF_CONF_TEXT = [
  '# Written by Kazasu scripts/bootstrap.js for the Kazasu-PDF queue (device cups-pdf:/kazasu).',
  `Out ${CUPS_PDF_OUT}`,
  'Label 2',
  'TitlePref 1',
  'Grp lpadmin',
  '',
].join('\n');

/** CUPS commands' output in the C locale: the strings matched below are translated otherwise. */
function cupsCapture(command, args) {
  const env = { ...process.env, LANG: 'C', LC_ALL: 'C' };
  const r = spawnSync(command, args, { encoding: 'utf8', env });
  return r.status === 0 ? r.stdout : '';
}

function cupsdRunning() {
  return cupsCapture('lpstat', ['-r']).includes('scheduler is running');
}

function ensureCups() {
  if (!existsSync('/usr/sbin/cupsd')) return;
  if (!isRoot) {
    if (!cupsdRunning())
      say('note: CUPS is not running; as root: /usr/sbin/cupsd (printing tests need it)');
    return;
  }
  if (!cupsdRunning()) {
    say('starting the CUPS scheduler (cupsd)');
    if (systemdRunning()) run('systemctl', ['start', 'cups.service']);
    else run('/usr/sbin/cupsd', []);
    if (!dryRun && !waitFor(cupsdRunning, 10_000))
      fail('cupsd was started but does not answer (see /var/log/cups/error_log)');
  }
  if (!/^PreserveJobFiles=No$/m.test(cupsCapture('cupsctl', []))) {
    say(
      'telling CUPS to delete job files when a job ends (cupsctl PreserveJobFiles=No): forms hold personal data',
    );
    run('cupsctl', ['PreserveJobFiles=No']);
    if (!dryRun && !waitFor(cupsdRunning, 10_000)) fail('cupsd did not come back after cupsctl');
  }
  const conf = existsSync(CUPS_PDF_CONF) ? readFileSync(CUPS_PDF_CONF, 'utf8') : '';
  if (conf !== CUPS_PDF_CONF_TEXT) {
    say(
      `writing ${CUPS_PDF_CONF} (cups-pdf output for ${CUPS_QUEUE}: ${CUPS_PDF_OUT}/<title>-job_<id>.pdf)`,
    );
    if (!dryRun) writeFileSync(CUPS_PDF_CONF, CUPS_PDF_CONF_TEXT);
  }
  const device = cupsCapture('lpstat', ['-v', CUPS_QUEUE]);
  const options = cupsCapture('lpoptions', ['-p', CUPS_QUEUE]);
  const wanted = [
    '-v',
    CUPS_PDF_DEVICE,
    '-o',
    'pdftops-renderer-default=pdftocairo',
    '-o',
    'printer-is-shared=false',
  ];
  if (!device.includes(CUPS_PDF_DEVICE) || !options.includes('pdftops-renderer=pdftocairo')) {
    const models = cupsCapture('lpinfo', ['-m'])
      .split('\n')
      .map((l) => l.split(' ')[0] ?? '');
    const driver =
      models.find((m) => /CUPS-PDF_opt\.ppd$/.test(m)) ?? models.find((m) => /CUPS-PDF/.test(m));
    if (!driver) fail('no CUPS-PDF driver in `lpinfo -m`: is printer-driver-cups-pdf installed?');
    const args = ['-p', CUPS_QUEUE, '-E', ...wanted, '-m', driver];
    say(
      `${device.includes('device for') ? 'updating' : 'creating'} the CUPS queue ${CUPS_QUEUE}: lpadmin ${args.join(' ')}`,
    );
    if (!dryRun) {
      // lpadmin always warns that PPD drivers are deprecated (they are cups-pdf's only way in):
      // its messages are shown only when it fails.
      const r = spawnSync('lpadmin', args, { encoding: 'utf8' });
      if (r.status !== 0) fail(`lpadmin failed: ${(r.stderr || r.stdout).trim()}`);
    }
  }
  const printer = cupsCapture('lpstat', ['-p', CUPS_QUEUE]);
  if (/disabled/.test(printer) || /not accepting/.test(cupsCapture('lpstat', ['-a', CUPS_QUEUE]))) {
    say(`enabling the CUPS queue ${CUPS_QUEUE} (it was stopped or refusing jobs)`);
    run('cupsenable', [CUPS_QUEUE]);
    run('cupsaccept', [CUPS_QUEUE]);
  }
}

function checkPrivatePcscd() {
  // Integration tests run a private pcscd per test file in its own mount namespace.
  const r = spawnSync('unshare', ['-m', 'true']);
  if (r.status !== 0) {
    fail(
      'integration tests need `unshare -m` (root with CAP_SYS_ADMIN) to run private pcscd instances',
    );
  }
}

checkNode();
const vpcdJustInstalled = ensureDebianPackages();
ensureNpmDependencies();
ensurePcscd(vpcdJustInstalled);
ensureQuickackRoute();
ensureCups();
if (mode === 'test') checkPrivatePcscd();
say(`ready for npm ${mode}`);
