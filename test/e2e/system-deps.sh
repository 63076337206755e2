#!/usr/bin/env bash
# Installs the Debian packages that the end-to-end tests, the browser checks and `npm run demo` need,
# when they are missing. The only place in the project that installs system packages.
#
#   bash test/e2e/system-deps.sh                 everything below
#   bash test/e2e/system-deps.sh dovecot         only what one part needs (dovecot, chromium)
#
#   dovecot   dovecot-imapd: the IMAP server the Invoice inbox example reads mail from. The tests and
#             the demo run their own dovecot as a child process on 127.0.0.1 with a config in a
#             temporary folder; the system service is never started (policy-rc.d below).
#   chromium  Debian's chromium (+ fonts) for the browser checks, driven by playwright-core. No
#             browser is ever downloaded by a test tool.
#   redis     redis-server: the queue of n8n's queue mode. The queue suite runs its own redis-server
#             as a child process on 127.0.0.1 with no persistence; the system service is never started.
#
# Needs root (or sudo). Runs `apt-get update` once before installing. Exits 0 without doing anything
# when every requested binary is already there.
set -euo pipefail

wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(dovecot chromium redis)

packages=()
for part in "${wanted[@]}"; do
	case "$part" in
		dovecot)
			[ -x /usr/sbin/dovecot ] || packages+=(dovecot-core dovecot-imapd)
			;;
		chromium)
			[ -x /usr/bin/chromium ] || packages+=(chromium fonts-liberation fonts-dejavu-core)
			;;
		redis)
			[ -x /usr/bin/redis-server ] || packages+=(redis-server)
			;;
		*)
			echo "system-deps: unknown part '$part' (known: dovecot, chromium, redis)" >&2
			exit 2
			;;
	esac
done

if [ ${#packages[@]} -eq 0 ]; then
	echo "system-deps: ${wanted[*]}: already installed"
	exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
		echo "system-deps: need root to install ${packages[*]} (apt-get install -y ${packages[*]})" >&2
		exit 1
	fi
fi

# Package scripts must not start the system's dovecot or redis (dovecot would listen on every
# interface on the standard ports): a policy-rc.d that forbids service starts for the duration of the install.
POLICY=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$POLICY" ]; then
	printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
	"${SUDO[@]}" chmod 755 "$POLICY"
	own_policy=1
fi
cleanup() { if [ "$own_policy" = 1 ]; then "${SUDO[@]}" rm -f "$POLICY"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
echo "system-deps: apt-get update"
"${SUDO[@]}" apt-get update -q
echo "system-deps: apt-get install -y ${packages[*]}"
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}"

# Some package scripts start the service despite policy-rc.d on some setups; stop it if so.
if [ -x /usr/sbin/dovecot ] && [ -e /run/dovecot/master.pid ]; then
	"${SUDO[@]}" /usr/sbin/dovecot stop 2>/dev/null || true
fi
if [ -e /run/redis/redis-server.pid ]; then
	"${SUDO[@]}" kill "$(cat /run/redis/redis-server.pid)" 2>/dev/null || true
fi
echo "system-deps: done"
