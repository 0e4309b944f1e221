# Managed by hashinode: rendered from the template consul/server.hcl. Local edits are replaced on
# the next render; put a changed template in <shared>/hashinode/<cluster>/templates/ or
# /etc/hashinode/templates/ instead. The gossip key lives in encrypt.hcl, so this file holds no secret.

datacenter = {{ datacenter }}
node_name  = {{ instanceId }}
data_dir   = {{ consul.dataDir }}

server           = true
bootstrap_expect = {{ consul.bootstrapExpect }}

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

ui_config {
  enabled = true
}

connect {
  enabled = true
}

tls {
  defaults {
    ca_file   = {{ consul.caFile }}
    cert_file = {{ consul.certFile }}
    key_file  = {{ consul.keyFile }}

    # Mutual TLS between agents: only holders of a certificate from the cluster CA may speak RPC.
    verify_incoming = true
    verify_outgoing = true
  }

  internal_rpc {
    # A client certificate cannot be used to pose as a server (server.<dc>.consul is checked).
    verify_server_hostname = true
  }

  https {
    # API callers (CLI, UI, Vault, Nomad) present an ACL token, not a client certificate.
    verify_incoming = false
  }

  grpc {
    # Envoy sidecars authenticate with ACL tokens; they hold no agent certificate.
    verify_incoming = false
  }
}

# Servers hand clients their RPC certificates, so client nodes never hold a CA-signed key of ours.
auto_encrypt {
  allow_tls = true
}

# Tokens are never written here: hashinode sets the agent tokens through the API and Consul keeps
# them in its data directory (enable_token_persistence).
acl {
  enabled                  = true
  default_policy           = "deny"
  enable_token_persistence = true
}

performance {
  raft_multiplier = 1
}

# Servers must not leave the raft peer set on a plain stop: a restart would lose quorum.
leave_on_terminate = false

telemetry {
  disable_hostname          = true
  prometheus_retention_time = "60s"
}
