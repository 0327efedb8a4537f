#!/usr/bin/env bash
# A real single-node SLURM cluster for the sweep tests: `start DIR` installs Debian's slurm-wlm and
# munge when missing, writes a slurm.conf for this host and starts munged, slurmctld, slurmd; `stop DIR` ends them by pid.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action="$1"
dir="$(mkdir -p "$2" && cd "$2" && pwd)"

have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

install_packages() {
  local need=()
  for pkg in slurmctld slurmd slurm-client munge; do
    have "$pkg" || need+=("$pkg")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  local log="$dir/apt.log"
  echo "slurm-test-cluster: installing ${need[*]} (Debian packages)" >&2
  # The packages' maintainer scripts must not start system-wide daemons: policy-rc.d forbids it.
  if ! { $sudo apt-get update -q && $sudo env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -q --no-install-recommends "${need[@]}"; } >"$log" 2>&1; then
    tail -20 "$log" >&2
    echo "slurm-test-cluster: installing ${need[*]} failed" >&2
    return 1
  fi
}

# Waits until a pid file names a live process (the daemons daemonize themselves).
wait_pidfile() {
  local file="$1" name="$2"
  for _ in $(seq 1 100); do
    if [ -s "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "slurm-test-cluster: $name did not start; see $dir/log/$name.log" >&2
  return 1
}

start() {
  install_packages
  mkdir -p "$dir/state" "$dir/spool" "$dir/log" "$dir/run" "$dir/munge"
  chmod 700 "$dir/munge"
  local host cpus mem_mb
  host="$(hostname -s)"
  cpus="$(nproc)"
  mem_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 9 / 10 ))
  # munge: a fresh key and socket of our own, so nothing system-wide is touched.
  if [ ! -s "$dir/munge/munge.key" ]; then
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
    chmod 400 "$dir/munge/munge.key"
  fi
  cat >"$dir/slurm.conf" <<EOF
ClusterName=rigltest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=${SLURM_TEST_CTLD_PORT:-16817}
SlurmdPort=${SLURM_TEST_SLURMD_PORT:-16818}
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MinJobAge=600
KillWait=5
NodeName=$host CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  cat >"$dir/env.sh" <<EOF
export SLURM_CONF=$dir/slurm.conf
EOF
  export SLURM_CONF="$dir/slurm.conf"
  munged --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" --pid-file="$dir/run/munged.pid" \
    --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munge.seed" --force
  wait_pidfile "$dir/run/munged.pid" munged
  slurmctld -f "$dir/slurm.conf" -i
  wait_pidfile "$dir/run/slurmctld.pid" slurmctld
  slurmd -f "$dir/slurm.conf"
  wait_pidfile "$dir/run/slurmd.pid" slurmd
  # The node registers with the controller; wait until it can take jobs.
  for _ in $(seq 1 100); do
    if sinfo -h -o '%t' 2>/dev/null | grep -Eq '^(idle|mix|alloc)'; then
      echo "slurm-test-cluster: up; export SLURM_CONF=$dir/slurm.conf"
      return 0
    fi
    sleep 0.2
  done
  echo "slurm-test-cluster: the node did not become idle: $(sinfo -h -o '%t %E' 2>&1)" >&2
  return 1
}

stop() {
  # The reverse order: slurmd, slurmctld, munged; each by the pid it wrote, then wait for it.
  for name in slurmd slurmctld munged; do
    local file="$dir/run/$name.pid"
    [ -s "$file" ] || continue
    local pid
    pid="$(cat "$file")"
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$file"
  done
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
