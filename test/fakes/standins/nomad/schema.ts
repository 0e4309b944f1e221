import { LABEL, leaves, type Schema } from '../config/schema.ts';

// Nomad's agent configuration keys (command/agent/config.go `hcl` tags and the blocks parsed by
// hand: consul, vault, keyring, plugin). Nomad reports unknown keys as "unexpected keys".

const join = leaves('start_join retry_join retry_max retry_interval');

export const NOMAD_MULTI = new Set(['consul', 'vault', 'keyring', 'client.host_volume', 'client.host_network', 'plugin']);

export const NOMAD_SCHEMA: Schema = leaves(
  `region datacenter name data_dir plugin_dir log_level log_json log_file log_include_location log_rotate_duration
   log_rotate_bytes log_rotate_max_files bind_addr enable_debug leave_on_interrupt leave_on_terminate enable_syslog
   syslog_facility disable_update_check disable_anonymous_signature http_api_response_headers`,
  {
    ports: leaves('http rpc serf'),
    addresses: leaves('http rpc serf'),
    advertise: leaves('http rpc serf'),
    acl: leaves('enabled token_ttl policy_ttl role_ttl replication_token token_min_expiration_ttl token_max_expiration_ttl'),
    tls: leaves('http rpc verify_server_hostname ca_file cert_file key_file rpc_upgrade_mode verify_https_client tls_cipher_suites tls_min_version'),
    server: leaves(
      `enabled authoritative_region bootstrap_expect data_dir protocol_version raft_protocol raft_multiplier
       num_schedulers enabled_schedulers node_gc_threshold job_gc_interval job_gc_threshold eval_gc_threshold
       batch_eval_gc_threshold deployment_gc_threshold csi_volume_claim_gc_interval csi_volume_claim_gc_threshold
       csi_plugin_gc_threshold acl_token_gc_threshold root_key_gc_interval root_key_gc_threshold
       root_key_rotation_threshold heartbeat_grace min_heartbeat_ttl max_heartbeats_per_second
       failover_heartbeat_ttl start_join retry_join retry_max retry_interval rejoin_after_leave non_voting_server
       redundancy_zone upgrade_version encrypt enable_event_broker event_buffer_size license_path
       deploy_query_rate_limit raft_boltdb raft_logstore raft_snapshot_threshold raft_snapshot_interval
       raft_trailing_logs job_default_priority job_max_priority job_max_count job_max_source_size
       job_tracked_versions oidc_issuer start_timeout log_file non_production`,
      {
        server_join: join,
        client_introduction: 'open',
        default_scheduler_config: 'open',
        plan_rejection_tracker: 'open',
        plan_apply_pipeline: 'open',
        search: 'open',
      },
    ),
    client: leaves(
      `enabled state_dir alloc_dir alloc_mounts_dir host_volumes_dir host_volume_plugin_dir common_plugin_dir servers
       node_class node_pool options meta chroot_env network_interface preferred_address_family network_speed
       cpu_disable_dmidecode cpu_total_compute memory_total_mb disk_total_mb disk_free_mb reservable_cores
       max_kill_timeout client_max_port client_min_port max_dynamic_port min_dynamic_port gc_interval
       gc_parallel_destroys gc_disk_usage_threshold gc_inode_usage_threshold gc_max_allocs gc_volumes_on_node_gc
       no_host_uuid disable_remote_exec cni_path cni_config_dir bridge_network_name bridge_network_subnet
       bridge_network_subnet_ipv6 bridge_network_hairpin_mode bind_wildcard_default_host_network cgroup_parent
       nomad_service_discovery drain_on_shutdown users node_max_allocs log_file default_ineligible stats`,
      {
        server_join: join,
        reserved: 'open',
        template: 'open',
        host_volume: 'open',
        host_network: 'open',
        artifact: 'open',
        fingerprint: 'open',
      },
    ),
    consul: 'open',
    vault: 'open',
    keyring: 'open',
    telemetry: 'open',
    autopilot: leaves(
      'cleanup_dead_servers server_stabilization_time last_contact_threshold max_trailing_logs min_quorum enable_redundancy_zones disable_upgrade_migration enable_custom_upgrades',
    ),
    plugin: { [LABEL]: 'open' },
    ui: 'open',
    limits: 'open',
    audit: 'open',
    reporting: 'open',
    sentinel: 'open',
    rpc: 'open',
    eventlog: 'open',
  },
);
