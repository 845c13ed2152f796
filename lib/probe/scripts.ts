/**
 * The shell programs the twin runs. Each is constant text: everything that comes from the user's
 * project (names, ports, addresses) reaches them as positional arguments (argv) and is only ever
 * expanded inside double quotes, never spliced into the text.
 */

/** Tools the harness looks for in the probe image. */
export const TOOLS = ['sh', 'timeout', 'nslookup', 'socat', 'nc', 'awk', 'sleep', 'cat', 'mkdir', 'rm'] as const;
/** Without these the listener and the runner cannot work at all. */
export const REQUIRED_TOOLS: readonly Tool[] = ['sh', 'timeout', 'sleep', 'cat', 'mkdir', 'rm'];
export type Tool = (typeof TOOLS)[number];

/** Prints the name of each tool the image has, one a line. argv: the tool names. */
export const TOOL_CHECK = `for t in "$@"; do command -v "$t" >/dev/null 2>&1 && echo "$t"; done; exit 0`;

/**
 * The container's main process: a listener on every declared port and a control listener.
 * argv: BIND_ADDRESS CONTROL_PORT [tcp:PORT|udp:PORT|nxdomain]...
 * TCP listeners accept and reply "cnl-ok <service> <run>" (from the CNL_ID variable, see listenerIdentity);
 * UDP listeners echo each datagram back. Without socat, busybox `nc -ll -e` serves TCP only.
 * `nxdomain` starts the twin's resolver (see RESOLVER_SPEC) on 127.0.0.1:53/udp: it answers every
 * query at once with NXDOMAIN, the query sent back with the flags QR, RD, RA and RCODE 3 (0x81 0x83,
 * RFC 1035 4.1.1), written to a file first so that the answer leaves in one datagram. Needs socat.
 */
export const LISTENER = `b=$1; c=$2; shift 2
if command -v socat >/dev/null 2>&1; then
  socat TCP-LISTEN:"$c",bind=127.0.0.1,fork,reuseaddr SYSTEM:'echo cnl-ok control' &
  for s in "$@"; do
    p=\${s#*:}
    case "$s" in
      nxdomain) printf '\\201\\203' >/tmp/cnl-nxflags &&
        socat UDP-RECVFROM:53,bind=127.0.0.1,fork,reuseaddr SYSTEM:'f=/tmp/cnl-nx.$$; { dd bs=2 count=1; dd bs=2 count=1 of=/dev/null; cat /tmp/cnl-nxflags -; } 2>/dev/null >"$f"; cat "$f"; rm -f "$f"' & ;;
      udp:*) socat UDP-RECVFROM:"$p",bind="$b",fork,reuseaddr PIPE & ;;
      tcp:*) socat TCP-LISTEN:"$p",bind="$b",fork,reuseaddr SYSTEM:'echo cnl-ok "$CNL_ID"' & ;;
    esac
  done
else
  nc -ll -p "$c" -e echo cnl-ok control &
  for s in "$@"; do
    case "$s" in tcp:*) nc -ll -p "\${s#*:}" -e sh -c 'echo cnl-ok "$CNL_ID"' & ;; esac
  done
fi
while :; do sleep 3600; done
`;

/**
 * The listener argument that starts the twin's resolver, or none. Docker's embedded DNS (127.0.0.11)
 * answers the names of user-defined networks itself and forwards every other name to the container's
 * DNS servers; a server given with \`--dns 127.0.0.x\` is asked from inside the container's own network
 * namespace (libnetwork sandbox_dns_unix.go, setupDNS: "--dns 127.0.0.x config refers to the loopback
 * in the container namespace"), and on the default bridge and \`none\` the C library asks it directly.
 * The twin points its DNS at 127.0.0.1 (twin.ts), so this resolver turns a name nobody knows into an
 * NXDOMAIN within milliseconds instead of a timeout, and no query leaves the container.
 * None for a host-network container (its loopback is the machine's), for a member of another
 * container's namespace (the owner runs it), and where the container listens on 53/udp itself.
 */
export function resolverSpec(listen: readonly string[], options: { hostNetwork: boolean; joiner: boolean }): string[] {
  if (options.hostNetwork || options.joiner || listen.includes('udp:53')) return [];
  return ['nxdomain'];
}

/** What a twin's TCP listeners announce after "cnl-ok ", passed to them in CNL_ID: the service and the run, so an answer from another run's twin is never taken for this one's. */
export function listenerIdentity(service: string, run: string): string {
  return `${service} ${run}`;
}

/** Reads a listener's banner: the service (and, from this version on, the run) that answered; undefined when there is no banner. */
export function parseBanner(text: string): { service?: string; run?: string } | undefined {
  const m = /^cnl-ok(?: +(\S+))?(?: +(\S+))?[ \t\r]*$/m.exec(text);
  if (!m) return undefined;
  return { ...(m[1] ? { service: m[1] } : {}), ...(m[2] ? { run: m[2] } : {}) };
}

/**
 * Readiness: waits until every listener answers on loopback and, when given, the embedded DNS
 * answers a name. argv: ATTEMPTS [tcp:PORT|udp:PORT|dns:NAME]... Prints "ready" or "not-ready ...".
 */
export const READY = `n=$1; shift
i=0
while :; do
  bad=
  listener=
  for s in "$@"; do
    v=\${s#*:}
    case "$s" in
      tcp:*) if command -v socat >/dev/null 2>&1; then r=$(timeout 2 socat -u TCP:127.0.0.1:"$v",connect-timeout=1 STDOUT 2>/dev/null)
             else r=$(timeout 2 nc -w 1 127.0.0.1 "$v" </dev/null 2>/dev/null); fi
             case "$r" in *cnl-ok*) ;; *) bad="$bad $s"; listener=1 ;; esac ;;
      udp:*) r=$(echo cnl-ready | timeout 2 socat -t 0.5 - UDP:127.0.0.1:"$v" 2>/dev/null)
             case "$r" in *cnl-ready*) ;; *) bad="$bad $s"; listener=1 ;; esac ;;
      dns:*) timeout 1 nslookup "$v" >/dev/null 2>&1 || bad="$bad $s" ;;
    esac
  done
  if [ -z "$bad" ]; then echo ready; exit 0; fi
  i=$((i + 1))
  # listeners get every attempt; a resolver that only lacks an answer gets a dozen
  if [ "$i" -ge "$n" ] || { [ -z "$listener" ] && [ "$i" -ge 12 ]; }; then break; fi
  sleep 0.25 2>/dev/null || sleep 1
done
echo "not-ready$bad"
exit 1
`;

/**
 * How many probes one batch runs side by side: enough for every probe of a source of a 40-service project
 * (about 140), so that one timeout window covers them all; each is a few busybox processes that mostly wait.
 */
export const RUNNER_PARALLEL = 256;

/**
 * One batch of probes from one container, run side by side (at most RUNNER_PARALLEL at once), each bounded
 * by \`timeout\`. argv: SECONDS then groups of ID KIND TARGET PORT, KIND one of dns, tcp, connect, udp.
 * Output: for each case "@@cnl ID EXIT" (255 when the probe left no status) followed by what the probe printed.
 * dns looks in /etc/hosts first (links, extra_hosts), as the C library would, then asks DNS: one awk
 * reads /etc/hosts for every name of the batch (the first line naming it, case-insensitively), so a probe
 * costs only its own tools; the results are put out by one cat. \`connect\` (attach and real modes) only
 * connects, sends end-of-file and leaves half a second later (socat -t): an application, unlike the twin's
 * listeners, need not send anything or close, and exits 0 only once connected.
 */
export const RUNNER = `t=$1; shift
d=/tmp/cnl-probe.$$
mkdir -p "$d" || exit 3
have() { command -v "$1" >/dev/null 2>&1; }
hits=
if have awk; then
  hits=$(awk 'BEGIN { for (i = 1; i + 3 < ARGC; i += 4) if (ARGV[i + 1] == "dns") want[tolower(ARGV[i + 2])] = want[tolower(ARGV[i + 2])] " " ARGV[i]
      for (i = 1; i < ARGC; i++) delete ARGV[i]
      ARGV[1] = "/etc/hosts"; ARGC = 2 }
    /^[ \t]*#/ { next }
    { for (f = 2; f <= NF; f++) { n = tolower($f); if (!(n in want)) continue; k = split(want[n], ids, " "); for (j = 1; j <= k; j++) if (!(ids[j] in seen)) { seen[ids[j]] = 1; printf " %s=%s", ids[j], $1 } } }
    END { print " " }' "$@" 2>/dev/null)
fi
probe() {
  case "$2" in
    dns)
      case "$hits" in *" $1="*) a=\${hits#*" $1="}; echo "hosts-file \${a%% *}"; return 0 ;; esac
      timeout "$t" nslookup "$3" ;;
    tcp)
      if have socat; then timeout "$((t + 1))" socat -u TCP:"$3":"$4",connect-timeout="$t" STDOUT
      else timeout "$((t + 1))" nc -w "$t" "$3" "$4" </dev/null; fi ;;
    connect)
      if have socat; then timeout "$((t + 1))" socat -u /dev/null TCP:"$3":"$4",connect-timeout="$t"
      else timeout "$((t + 1))" nc -w 1 "$3" "$4" </dev/null; fi ;;
    udp)
      echo "cnl-ping $1" | timeout "$((t + 1))" socat -t "$t" - UDP:"$3":"$4" ;;
    *) echo "unknown probe kind"; return 2 ;;
  esac
}
ids=
n=0
while [ $# -ge 4 ]; do
  ( probe "$1" "$2" "$3" "$4" >"$d/$1.out" 2>&1; printf '\\n@@cnl %s %s\\n' "$1" "$?" >"$d/$1.rc" ) &
  ids="$ids $1"
  shift 4
  n=$((n + 1))
  if [ "$n" -ge ${RUNNER_PARALLEL} ]; then wait; n=0; fi
done
wait
for i in $ids; do
  [ -f "$d/$i.rc" ] || printf '\\n@@cnl %s 255\\n' "$i" >"$d/$i.rc"
  set -- "$@" "$d/$i.rc" "$d/$i.out"
done
cat "$@" 2>/dev/null
echo
rm -rf "$d"
`;

export function shArgv(script: string, name: string, args: readonly string[]): string[] {
  return ['sh', '-c', script, name, ...args];
}
