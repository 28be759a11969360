# pingform quickstart
#
# The smallest useful outbound provisioning setup: the directory PingFederate reads
# users from, the database where it keeps synchronization state, and the outbound
# provisioning settings that point at that database.
#
# Try it without any server:
#
#   cargo run --release -- apply --sandbox --auto-approve examples/quickstart
#
# To run it against a real PingFederate, add a pingfederate block (see
# examples/production/pingfederate.hcl) and drop --sandbox.

variable "provisioner_db_password" {
  type        = string
  sensitive   = true
  description = "Password of the pf_provisioner database account"
  default     = "quickstart-Db-Passw0rd"
}

locals {
  base_dn = "dc=example,dc=com"
}

# The source of user data for provisioning.
datastore "ldap" "corp_directory" {
  ldap_type = "PING_DIRECTORY"
  hostnames = ["ldap1.example.com:636", "ldap2.example.com:636"]
  use_ssl   = true
  user_dn   = "cn=pf-reader,ou=services,${local.base_dn}"
  password  = "quickstart-Ldap-Passw0rd"
}

# Where PingFederate keeps the synchronization state of outbound provisioning.
datastore "jdbc" "provisioner" {
  driver_class            = "org.postgresql.Driver"
  connection_url          = "jdbc:postgresql://db.example.com:5432/pf_provisioner"
  user_name               = "pf_provisioner"
  password                = var.provisioner_db_password
  validate_connection_sql = "SELECT 1"
  max_pool_size           = 20
}

outbound_provisioning {
  datastore                 = datastore.jdbc.provisioner
  synchronization_frequency = 60
}
