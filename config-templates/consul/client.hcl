# Managed by hashinode: rendered from the template consul/client.hcl. Local edits are replaced on
# the next render; put a changed template in <shared>/hashinode/<cluster>/templates/ or
# /etc/hashinode/templates/ instead. The gossip key lives in encrypt.hcl, so this file holds no secret.

datacenter = {{ datacenter }}
node_name  = {{ instanceId }}
data_dir   = {{ consul.dataDir }}

server = false

# Gossip and RPC on the instance's private address; the HTTP(S), gRPC and DNS interfaces only on
# client_addr (loopback by default), where the local Nomad, Vault, dnsmasq and hashinode reach them.
bind_addr      = {{ privateIp }}
advertise_addr = {{ privateIp }}
client_addr    = {{ clientAddr }}

# Cloud auto-join: one DescribeInstances for running instances carrying the cluster's join tag.
retry_join = {{ consul.retryJoin | hcl_list }}

ports {
  http     = 8500
  https    = 8501
  grpc_tls = 8503
  dns      = 8600
}

tls {
  defaults {
    # Only the CA: the agent's own certificate comes from the servers through auto_encrypt.
    ca_file = {{ consul.caFile }}

    # Clients accept no RPC from other agents; they only dial servers, whose identity they verify.
    verify_incoming = false
    verify_outgoing = true
  }

  internal_rpc {
    # Only a real server certificate (server.<dc>.consul) is accepted on the other end.
    verify_server_hostname = true
  }
}

auto_encrypt {
  tls = true

  # The addresses local callers use, so the auto_encrypt certificate verifies for them.
  ip_san = {{ consul.ipSans | hcl_list }}
}

# Tokens are never written here: hashinode sets the agent tokens through the API and Consul keeps
# them in its data directory (enable_token_persistence).
acl {
  enabled                  = true
  default_policy           = "deny"
  enable_token_persistence = true
}

# A stopped or terminated client leaves the cluster at once instead of being reported failed for
# 72 hours (instances come and go with the autoscaling group).
leave_on_terminate = true

telemetry {
  disable_hostname          = true
  prometheus_retention_time = "60s"
}
