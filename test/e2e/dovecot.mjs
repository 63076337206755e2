// A real IMAP server for the Invoice inbox example: Debian's dovecot, run as a child process (not
// the system service) on 127.0.0.1 and a free port, with its whole config, state, logs and Maildir
// in one temporary folder. Plain-text login is allowed because it only listens on loopback. Mail
// is delivered the way an MTA hands it over: through dovecot's own LDA (dovecot-lda), which
// writes into the Maildir and wakes the IMAP IDLE of any connected client (n8n's Email Trigger).
//
//   const imap = await startDovecot();   // { host, port, user, password, deliver(raw), stop() }
//   await imap.deliver(invoiceEmail());
//
// The dovecot binaries come from the dovecot-imapd package; ensureSystemDeps('dovecot') installs it
// through test/e2e/system-deps.sh when it is missing.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort, sleep } from './n8n.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, '..', '..');
const DOVECOT = '/usr/sbin/dovecot';
const LDA = '/usr/lib/dovecot/dovecot-lda';
const START_TIMEOUT_MS = 20_000;

const BINARIES = {
	dovecot: [DOVECOT, LDA],
	chromium: ['/usr/bin/chromium'],
	redis: ['/usr/bin/redis-server'],
};

/**
 * Installs the Debian packages a part needs (dovecot, chromium, redis) through test/e2e/system-deps.sh
 * when their binaries are missing; prints the script's progress.
 * @param {...('dovecot'|'chromium'|'redis')} parts
 */
export function ensureSystemDeps(...parts) {
	const missing = parts.filter((part) => BINARIES[part].some((bin) => !existsSync(bin)));
	if (missing.length === 0) return;
	process.stderr.write(
		`[system-deps] ${missing.join(', ')} missing: bash test/e2e/system-deps.sh ${missing.join(' ')}\n`,
	);
	const result = spawnSync('bash', [join(HERE, 'system-deps.sh'), ...missing], {
		stdio: ['ignore', 'inherit', 'inherit'],
	});
	if (result.status !== 0)
		throw new Error(`test/e2e/system-deps.sh ${missing.join(' ')} failed (exit ${result.status})`);
}

function accountOf(name) {
	const lookup = spawnSync('id', ['-u', name], { encoding: 'utf8' });
	if (lookup.status !== 0) return undefined;
	const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
	return { name, uid: Number(lookup.stdout), gid: Number(gid.stdout) };
}

// As root, dovecot runs its logins and mail processes as the accounts the package created; as an
// ordinary user, everything runs as that user.
function accounts() {
	if (process.getuid?.() === 0) {
		const internal = accountOf('dovecot');
		const login = accountOf('dovenull');
		if (!internal || !login)
			throw new Error('the dovecot and dovenull accounts are missing: reinstall dovecot-core');
		return { internal, login, mail: internal };
	}
	const me = { name: userInfo().username, uid: process.getuid(), gid: process.getgid() };
	return { internal: me, login: me, mail: me };
}

// dovecot's auth and mail processes run as the dovecot account, which must be able to traverse
// every folder above the mailbox (a folder under /root, mode 0700, is not).
function assertReachable(dir, account) {
	for (let current = dirname(dir); ; current = dirname(current)) {
		const mode = statSync(current).mode;
		if ((mode & 0o001) === 0) {
			throw new Error(
				`dovecot's processes (user ${account}) cannot reach ${dir}: ${current} is not searchable by others. Use a folder under ${tmpdir()}.`,
			);
		}
		if (current === dirname(current)) return;
	}
}

/** The IMAP folder of the "Invoice inbox with review" example. */
export const REVIEW_FOLDER = 'Invoices to review';

function config(dir, port, users) {
	return `# Written by test/e2e/dovecot.mjs for one test run; not the system's dovecot.
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
# Plain-text login, allowed because the server only listens on loopback.
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = ${users.login.name}
default_internal_user = ${users.internal.name}
first_valid_uid = 1
mail_location = maildir:~/Maildir
mailbox_idle_check_interval = 1 secs
# Shows each IMAP session's state in its process title ("[user ip IDLE]"): waitForIdle reads it.
verbose_proctitle = yes
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${users.mail.uid} gid=${users.mail.gid} home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service auth {
  unix_listener auth-userdb {
    mode = 0666
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
protocol lda {
  postmaster_address = postmaster@example.com
}
lda_mailbox_autocreate = yes
# The folder example 5 (invoice inbox with review) watches, there before its trigger logs in.
namespace inbox {
  inbox = yes
  mailbox "${REVIEW_FOLDER}" {
    auto = create
  }
}
`;
}

async function waitForGreeting(port, child, logFile) {
	const deadline = Date.now() + START_TIMEOUT_MS;
	for (;;) {
		if (child.exitCode !== null) break;
		const greeting = await new Promise((resolve) => {
			const socket = connect(port, '127.0.0.1');
			let text = '';
			socket.setTimeout(1000, () => socket.destroy());
			socket.on('data', (chunk) => {
				text += chunk;
				if (text.includes('\n')) {
					socket.end('a1 LOGOUT\r\n');
					resolve(text);
				}
			});
			socket.on('error', () => resolve(''));
			socket.on('close', () => resolve(text));
		});
		if (greeting.startsWith('* OK')) return;
		if (Date.now() > deadline) break;
		await sleep(100);
	}
	const log = await readFile(logFile, 'utf8').catch(() => '');
	throw new Error(`dovecot did not answer on 127.0.0.1:${port} (exit ${child.exitCode}):\n${log}`);
}

/**
 * Starts dovecot with one mailbox user.
 * @param {{ dir?: string, port?: number, user?: string, password?: string }} [options]
 *   dir: where config, Maildir and logs go (default: a new temporary folder, removed by stop())
 * @returns {Promise<{ host: string, port: number, user: string, password: string, dir: string,
 *   deliver: (raw: string | Buffer) => Promise<void>, log: () => Promise<string>, stop: () => Promise<void> }>}
 */
export async function startDovecot({
	dir,
	port,
	user = 'invoices',
	password = `imap-${randomBytes(8).toString('hex')}`,
} = {}) {
	ensureSystemDeps('dovecot');
	const ownDir = !dir;
	const root = resolve(dir ?? (await mkdtemp(join(tmpdir(), 'vlmrun-dovecot-'))));
	await mkdir(root, { recursive: true });
	const users = accounts();
	if (users.mail.uid !== process.getuid?.()) assertReachable(root, users.mail.name);
	// The mail and login processes run as other accounts: they must reach the folder.
	await chmod(root, 0o755);
	const home = join(root, 'home', user);
	await mkdir(home, { recursive: true });
	await chmod(join(root, 'home'), 0o755);
	await chown(home, users.mail.uid, users.mail.gid);
	await writeFile(join(root, 'users'), `${user}:{PLAIN}${password}\n`, { mode: 0o644 });
	const imapPort = port ?? (await freePort());
	const conf = join(root, 'dovecot.conf');
	await writeFile(conf, config(root, imapPort, users));
	const logFile = join(root, 'dovecot.log');

	const child = spawn(DOVECOT, ['-F', '-c', conf], {
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	const killGroup = (signal) => {
		try {
			process.kill(-child.pid, signal);
		} catch {
			// already gone
		}
	};
	const onExit = () => killGroup('SIGKILL');
	process.once('exit', onExit);
	try {
		await waitForGreeting(imapPort, child, logFile);
	} catch (error) {
		killGroup('SIGKILL');
		throw new Error(`${error.message}\n${output}`);
	}

	let stopped = false;
	return {
		host: '127.0.0.1',
		port: imapPort,
		user,
		password,
		dir: root,
		/** Delivers a message into the INBOX, or into `mailbox` (a folder). */
		async deliver(raw, { mailbox } = {}) {
			const folder = mailbox ? ['-m', mailbox] : [];
			const result = spawnSync(
				LDA,
				['-c', conf, '-d', user, '-f', 'sender@example.com', ...folder],
				{
					input: typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw,
					encoding: 'utf8',
				},
			);
			if (result.status !== 0) {
				throw new Error(
					`dovecot-lda exited ${result.status}: ${result.stderr}${await readFile(logFile, 'utf8').catch(() => '')}`,
				);
			}
		},
		log: async () => await readFile(logFile, 'utf8').catch(() => ''),
		/**
		 * Waits until a client (n8n's Email Trigger) is logged in to the mailbox and waiting in IMAP
		 * IDLE, so that the next delivery is seen as a new arrival. Mail delivered before the trigger
		 * has connected is not new to it. With several triggers on the account, wait for `sessions`.
		 */
		async waitForIdle({ timeoutMs = 60_000, sessions = 1 } = {}) {
			const deadline = Date.now() + timeoutMs;
			while (idleSessions(child.pid, user) < sessions) {
				if (Date.now() > deadline) {
					throw new Error(
						`no IMAP client is waiting in IDLE on ${user}'s mailbox after ${timeoutMs / 1000} s:\n${await readFile(logFile, 'utf8').catch(() => '')}`,
					);
				}
				await sleep(200);
			}
		},
		async stop() {
			if (stopped) return;
			stopped = true;
			process.removeListener('exit', onExit);
			if (child.exitCode === null) {
				const exited = new Promise((done) => child.once('exit', done));
				killGroup('SIGTERM');
				const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
				await exited;
				clearTimeout(timer);
			}
			killGroup('SIGKILL');
			if (ownDir) await rm(root, { recursive: true, force: true });
		},
	};
}

// The number of IMAP sessions of `user` under this dovecot master that are in IDLE, read from the
// process titles (verbose_proctitle): "dovecot/imap [invoices 127.0.0.1 IDLE]".
function idleSessions(masterPid, user) {
	const ps = spawnSync('ps', ['-eo', 'ppid=,args='], { encoding: 'utf8' });
	return (ps.stdout ?? '')
		.split('\n')
		.map((line) => line.trim().match(/^(\d+)\s+(.*)$/))
		.filter(
			(match) =>
				match &&
				Number(match[1]) === masterPid &&
				match[2].includes(`[${user} `) &&
				/\bIDLE\]/.test(match[2]),
		).length;
}

// ---------------------------------------------------------------------------------------------
// Mail

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

function base64Lines(buffer) {
	return buffer.toString('base64').replace(/.{1,76}/g, '$&\r\n');
}

/**
 * An RFC 5322 message with a text part and attachments, as an MTA would hand it to the LDA.
 * @param {{ subject: string, text: string, attachments: Array<{ fileName: string, mimeType: string, data: Buffer }>,
 *   from?: string, to?: string }} message
 */
export function buildEmail({
	subject,
	text,
	attachments,
	from = 'Billing <billing@supplier.example>',
	to = 'invoices@example.com',
}) {
	const boundary = `vlmrun-${randomBytes(8).toString('hex')}`;
	const parts = [
		`--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${text}\r\n`,
		...attachments.map(
			({ fileName, mimeType, data }) =>
				`--${boundary}\r\nContent-Type: ${mimeType}; name="${fileName}"\r\nContent-Transfer-Encoding: base64\r\n` +
				`Content-Disposition: attachment; filename="${fileName}"\r\n\r\n${base64Lines(data)}`,
		),
	];
	return (
		`From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString()}\r\n` +
		`Message-ID: <${randomBytes(8).toString('hex')}@supplier.example>\r\nMIME-Version: 1.0\r\n` +
		`Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n${parts.join('')}--${boundary}--\r\n`
	);
}

export const INVOICE_ATTACHMENTS = [
	{ fileName: 'invoice-1.pdf', mimeType: 'application/pdf' },
	{ fileName: 'invoice-2.pdf', mimeType: 'application/pdf' },
	{ fileName: 'receipt.png', mimeType: 'image/png' },
];

/** The Invoice inbox example's email: two PDF invoices and a receipt photo from test/fixtures. */
export async function invoiceEmail() {
	const attachments = [];
	for (const { fileName, mimeType } of INVOICE_ATTACHMENTS) {
		attachments.push({ fileName, mimeType, data: await readFile(join(FIXTURES, fileName)) });
	}
	return buildEmail({
		subject: 'Invoices for January',
		text: 'Hello,\r\n\r\nplease find our two invoices and the receipt attached.\r\n\r\nBest regards\r\n',
		attachments,
	});
}
