import { leaves, type Schema } from '../config/schema.ts';

// Consul's agent configuration keys (agent/config/config.go, Consul 1.12+ spelling plus the
// deprecated aliases it still accepts). Blocks the stand-in does not interpret but the real agent
// accepts in full (service definitions, telemetry, connect...) are 'open'.

const tlsProtocol = 'ca_file ca_path cert_file key_file tls_min_version tls_cipher_suites verify_incoming verify_outgoing';

export const CONSUL_MULTI = new Set(['service', 'services', 'check', 'checks', 'watches', 'segments', 'config_entries.bootstrap']);

export const CONSUL_SCHEMA: Schema = leaves(
  `advertise_addr advertise_addr_ipv4 advertise_addr_ipv6 advertise_addr_wan advertise_addr_wan_ipv4
   advertise_addr_wan_ipv6 advertise_reconnect_timeout auto_reload_config bind_addr bootstrap bootstrap_expect
   check_output_max_size check_update_interval client_addr datacenter data_dir default_query_time
   disable_anonymous_signature disable_coordinates disable_host_node_id disable_http_unprintable_char_filter
   disable_keyring_file disable_remote_exec disable_update_check discard_check_output discovery_max_stale domain
   alt_domain enable_agent_tls_for_checks enable_central_service_config enable_debug enable_local_script_checks
   enable_script_checks enable_syslog encrypt encrypt_verify_incoming encrypt_verify_outgoing experiments
   leave_on_terminate license_path log_file log_json log_level log_rotate_bytes log_rotate_duration
   log_rotate_max_files max_query_time node_id node_meta node_name pid_file primary_datacenter primary_gateways
   primary_gateways_interval protocol raft_protocol raft_snapshot_interval raft_snapshot_threshold
   raft_trailing_logs read_replica non_voting_server reconnect_timeout reconnect_timeout_wan recursors
   rejoin_after_leave retry_interval retry_interval_wan retry_join retry_join_wan retry_max retry_max_wan
   segment serf_lan serf_lan_allowed_cidrs serf_wan serf_wan_allowed_cidrs server server_name
   server_rejoin_age_max session_ttl_min skip_leave_on_interrupt start_join start_join_wan syslog_facility
   translate_wan_addrs ui ui_dir ui_content_path use_streaming_backend
   ca_file ca_path cert_file key_file tls_min_version tls_cipher_suites tls_prefer_server_cipher_suites
   verify_incoming verify_incoming_https verify_incoming_rpc verify_outgoing verify_server_hostname
   auto_encrypt_tls acl_datacenter acl_default_policy acl_down_policy acl_ttl acl_token acl_agent_token
   acl_agent_master_token acl_master_token acl_replication_token acl_enable_key_list_policy
   acl_enforce_version_8 enable_acl_replication`,
  {
    acl: leaves(
      `enabled default_policy down_policy policy_ttl role_ttl token_ttl enable_key_list_policy
       enable_token_persistence enable_token_replication msp_disable_bootstrap`,
      {
        tokens: leaves(
          `initial_management master agent agent_recovery agent_master default replication
           config_file_service_registration dns managed_service_provider`,
        ),
      },
    ),
    addresses: leaves('dns http https grpc grpc_tls'),
    ports: leaves(
      'dns http https serf_lan serf_wan server grpc grpc_tls proxy_min_port proxy_max_port sidecar_min_port sidecar_max_port expose_min_port expose_max_port',
    ),
    auto_encrypt: leaves('allow_tls tls dns_san ip_san'),
    tls: {
      defaults: leaves(tlsProtocol),
      internal_rpc: leaves(`${tlsProtocol} verify_server_hostname`),
      https: leaves(tlsProtocol),
      grpc: leaves(`${tlsProtocol} use_auto_cert`),
    },
    performance: leaves('leave_drain_time raft_multiplier rpc_hold_timeout'),
    autopilot: leaves(
      'cleanup_dead_servers last_contact_threshold max_trailing_logs min_quorum server_stabilization_time redundancy_zone_tag disable_upgrade_migration upgrade_version_tag',
    ),
    dns_config: 'open',
    http_config: 'open',
    limits: 'open',
    telemetry: 'open',
    ui_config: 'open',
    connect: 'open',
    auto_config: 'open',
    cache: 'open',
    cloud: 'open',
    config_entries: 'open',
    gossip_lan: 'open',
    gossip_wan: 'open',
    locality: 'open',
    peering: 'open',
    raft_boltdb: 'open',
    raft_logstore: 'open',
    reporting: 'open',
    rpc: 'open',
    audit: 'open',
    service: 'open',
    services: 'open',
    check: 'open',
    checks: 'open',
    segments: 'open',
    unix_sockets: 'open',
    watches: 'open',
    xds: 'open',
  },
);
