# shellcheck shell=bash
# What a sanitizer tree builds: the host, preload, device, e2e and support suites and what they
# run (the CLI, the preload library and its client). The rtl/cosim/bench models are left out:
# their suites do not run there, and each Verilated model costs a minute of compile.
# shellcheck disable=SC2034
sanitize_targets=(sendoff sendoff_preload preload_udp_client preload_udp_server preload_tests
                  preload_connected_client preload_udp_burst preload_fd_client preload_fork_client preload_file_sender host_tests device_tests e2e_tshark_test e2e_oracle_test
                  e2e_cli_test e2e_tap_test e2e_arp_test e2e_tcp_test e2e_tcp_cli_test e2e_tcp_oracle_test
                  support_prereq_test support_prereq_gate)
sanitize_labels='^(host|preload|device|e2e|support)$'
