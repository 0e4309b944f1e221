#!/bin/bash
# Example EC2 user-data for an instance launched from the hashinode AMI, where the executable is
# /usr/local/bin/hashinode and systemd/hashinode.service is installed (not yet enabled).
#
# Most inputs come from instance tags (hashinode:cluster, hashinode:roles, hashinode:efs, ...; enable
# "instance metadata tags" so IMDS serves them, else hashinode calls ec2:DescribeTags). The env file
# is for what a launch template would rather not put in tags; it overrides tags, flags override it.
# Secrets never go here: user-data is readable by anyone with ec2:DescribeInstanceAttribute.
set -euo pipefail

install -d -m 0755 /etc/hashinode
cat > /etc/hashinode/hashinode.env <<'ENV'
HASHINODE_CLUSTER=prod
HASHINODE_ROLES=consul-server,nomad-server
HASHINODE_CONSUL_SERVERS=3
HASHINODE_NOMAD_SERVERS=3
HASHINODE_EFS=discover
ENV
chmod 0644 /etc/hashinode/hashinode.env

# First boot: join (or found) the datacenter, then let systemd keep the agent running on every boot.
/usr/local/bin/hashinode bootstrap
systemctl enable --now hashinode.service
