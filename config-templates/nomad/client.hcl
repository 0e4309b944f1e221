# Managed by hashinode: rendered from the template nomad/client.hcl. Local edits are replaced on
# the next render; put a changed template in <shared>/hashinode/<cluster>/templates/ or
# /etc/hashinode/templates/ instead.

region     = {{ nomad.region }}
datacenter = {{ nomad.datacenter }}
name       = {{ instanceId }}
data_dir   = {{ nomad.dataDir }}

# Every listener on the private address: Nomad registers its HTTP check in Consul with the
# advertised address, so the API must answer there (TLS and ACLs guard it).
bind_addr = {{ privateIp }}

advertise {
  http = {{ privateIp }}
  rpc  = {{ privateIp }}
  serf = {{ privateIp }}
}

client {
  enabled = true
{{#if nomad.nodeClass}}
  node_class = {{ nomad.nodeClass }}
{{/if}}
{{#if nomad.meta}}
  meta = {{ nomad.meta | hcl_map }}
{{/if}}

  # Nomad servers run on the Consul server instances, so clients find them by the same tag.
  server_join {
    retry_join = {{ nomad.retryJoin | hcl_list }}
  }
}

tls {
  http = true
  rpc  = true

  ca_file   = {{ nomad.caFile }}
  cert_file = {{ nomad.certFile }}
  key_file  = {{ nomad.keyFile }}

  # Only a real server certificate (server.<region>.nomad) is accepted on the other end.
  verify_server_hostname = true
  # API callers (CLI, UI) present an ACL token, not a client certificate.
  verify_https_client = false
}

acl {
  enabled = true
}

# The local Consul agent over loopback: plain HTTP never leaves the host. The token comes from
# CONSUL_HTTP_TOKEN in Nomad's environment, never from this file.
consul {
  address      = {{ nomad.consulAddress }}
  grpc_address = {{ nomad.consulGrpcAddress }}
  grpc_ca_file = {{ nomad.consulCaFile }}
}
{{#if nomad.vaultEnabled}}

vault {
  enabled = true
  address = {{ nomad.vaultAddress }}
  ca_file = {{ nomad.vaultCaFile }}
}
{{/if}}

telemetry {
  collection_interval        = "10s"
  disable_hostname           = true
  prometheus_metrics         = true
  publish_allocation_metrics = true
  publish_node_metrics       = true
}
