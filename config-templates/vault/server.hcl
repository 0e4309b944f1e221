# Managed by hashinode: rendered from the template vault/server.hcl. Local edits are replaced on
# the next render; put a changed template in <shared>/hashinode/<cluster>/templates/ or
# /etc/hashinode/templates/ instead. No secret is written here: a Consul storage token comes from
# CONSUL_HTTP_TOKEN in /etc/vault.d/vault.env.

ui           = true
cluster_name = {{ cluster }}

api_addr     = {{ vault.apiAddr }}
cluster_addr = {{ vault.clusterAddr }}

listener "tcp" {
  address         = {{ vault.listenAddress }}
  cluster_address = {{ vault.clusterListenAddress }}

  tls_cert_file   = {{ vault.certFile }}
  tls_key_file    = {{ vault.keyFile }}
  tls_min_version = "tls12"
}
{{#if vault.raft}}

# Integrated storage: Vault keeps its own raft log; peers find each other by the cluster's tag
# and check the leader's certificate against the cluster's Vault CA.
storage "raft" {
  path    = {{ vault.dataDir }}
  node_id = {{ instanceId }}

  retry_join {
    auto_join           = {{ vault.autoJoin }}
    auto_join_scheme    = "https"
    leader_ca_cert_file = {{ vault.caFile }}
  }
}

# Raft storage is memory-mapped; mlock would pin the whole database in RAM.
disable_mlock = true
{{else}}

# Consul storage through the local agent over loopback; the ACL token is CONSUL_HTTP_TOKEN from
# /etc/vault.d/vault.env, so it never appears in this file.
storage "consul" {
  address = {{ vault.consulAddress }}
  scheme  = "http"
  path    = "vault/"
  service = "vault"
}
{{/if}}
{{#if vault.kmsKeyId}}

# Auto-unseal with AWS KMS through the instance profile: no unseal keys on this host.
seal "awskms" {
  region     = {{ region }}
  kms_key_id = {{ vault.kmsKeyId }}
}
{{/if}}

telemetry {
  disable_hostname          = true
  prometheus_retention_time = "30s"
}
