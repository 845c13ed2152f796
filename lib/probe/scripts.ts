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
 * argv: BIND_ADDRESS CONTROL_PORT [tcp:PORT|udp:PORT]...
 * TCP listeners accept and reply "cnl-ok <service> <run>" (from the CNL_ID variable, see listenerIdentity);
 * UDP listeners echo each datagram back. Without socat, busybox `nc -ll -e` serves TCP only.
 */
export const LISTENER = `b=$1; c=$2; shift 2
if command -v socat >/dev/null 2>&1; then
  socat TCP-LISTEN:"$c",bind=127.0.0.1,fork,reuseaddr SYSTEM:'echo cnl-ok control' &
  for s in "$@"; do
    p=\${s#*:}
    case "$s" in
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
 * One batch of probes from one container, run side by side (at most 32 at once), each bounded
 * by \`timeout\`. argv: SECONDS then groups of ID KIND TARGET PORT, KIND one of dns, tcp, udp.
 * Output: for each case "@@cnl ID EXIT" followed by what the probe printed.
 * dns looks in /etc/hosts first (links, extra_hosts), as the C library would, then asks DNS.
 */
export const RUNNER = `t=$1; shift
d=/tmp/cnl-probe.$$
mkdir -p "$d" || exit 3
have() { command -v "$1" >/dev/null 2>&1; }
probe() {
  case "$2" in
    dns)
      a=
      if have awk; then
        a=$(N="$3" awk 'BEGIN { n = tolower(ENVIRON["N"]) } /^[ \\t]*#/ { next } { for (i = 2; i <= NF; i++) if (tolower($i) == n) { print $1; exit } }' /etc/hosts 2>/dev/null)
      fi
      if [ -n "$a" ]; then echo "hosts-file $a"; return 0; fi
      timeout "$t" nslookup "$3" ;;
    tcp)
      if have socat; then timeout "$((t + 1))" socat -u TCP:"$3":"$4",connect-timeout="$t" STDOUT
      else timeout "$((t + 1))" nc -w "$t" "$3" "$4" </dev/null; fi ;;
    udp)
      echo "cnl-ping $1" | timeout "$((t + 1))" socat -t "$t" - UDP:"$3":"$4" ;;
    *) echo "unknown probe kind"; return 2 ;;
  esac
}
ids=
n=0
while [ $# -ge 4 ]; do
  ( probe "$1" "$2" "$3" "$4" >"$d/$1.out" 2>&1; echo $? >"$d/$1.rc" ) &
  ids="$ids $1"
  shift 4
  n=$((n + 1))
  if [ "$n" -ge 32 ]; then wait; n=0; fi
done
wait
for i in $ids; do
  echo "@@cnl $i $(cat "$d/$i.rc" 2>/dev/null || echo 255)"
  cat "$d/$i.out" 2>/dev/null
  echo
done
rm -rf "$d"
`;

export function shArgv(script: string, name: string, args: readonly string[]): string[] {
  return ['sh', '-c', script, name, ...args];
}
