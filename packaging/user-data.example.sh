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

# Join (or found) the datacenter; --wait retries non-terminal failures (EFS not mounted yet, the
# first server still bootstrapping) until the timeout.
/usr/local/bin/hashinode bootstrap --wait --timeout 30m
# hashinode.service starts `hashinode run`, the long-running supervisor, which does not exist yet:
# enable the unit only with a release that has it.
# systemctl enable --now hashinode.service
