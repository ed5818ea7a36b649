#!/usr/bin/env bash
# A single-node SLURM cluster on 127.0.0.1 for the workflow's SLURM test.
#   cluster.sh start   write slurm.conf, start munged, slurmctld, slurmd; wait until the node is idle
#   cluster.sh stop    stop the three daemons
# Needs root and Debian's slurmctld slurmd slurm-client munge. No systemd: daemons are started by hand.
set -euo pipefail
action=${1:?start or stop}
host=$(hostname -s)

stop() {
    pkill -x slurmd 2>/dev/null || true
    pkill -x slurmctld 2>/dev/null || true
    pkill -x munged 2>/dev/null || true
}

if [ "$action" = stop ]; then
    stop
    exit 0
fi

stop
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
chown munge:munge /run/munge
[ -s /etc/munge/munge.key ] || { mungekey --create >/dev/null 2>&1 || create-munge-key -f >/dev/null; }
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=fusiontest
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=600
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
NodeName=${host} NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
CONF
runuser -u munge -- /usr/sbin/munged
slurmctld
slurmd
for _ in $(seq 60); do
    state=$(sinfo -h -o %T 2>/dev/null | head -n1 || true)
    if [ "$state" = idle ]; then
        echo "slurm node ${host} idle"
        exit 0
    fi
    sleep 1
done
echo "slurm did not become idle (state: ${state:-none}); see /var/log/slurm/" >&2
exit 1
