# Outbound provisioning from the corporate directory to PingOne, with the account that
# administers users over the connection to PingOne kept out of provisioning.
#
# Try it on the built-in sandbox (it serves PingFederate and PingOne; its PingOne side
# has an environment with the populations "Employees" and "Contractors" and the user
# pingone-admin@example.com):
#
#   cargo run --release -- apply --sandbox --auto-approve examples/provisioning
#
# Against real systems, export PF_ADMIN_PASSWORD, LDAP_BIND_PASSWORD,
# PROVISIONER_DB_PASSWORD, PINGONE_CLIENT_SECRET and PINGONE_CREDENTIAL, and set the
# URLs and ids below.

pingfederate {
  url      = "https://pf-admin.corp.example.com:9999/pf-admin-api/v1"
  username = "pingform"
  password = env("PF_ADMIN_PASSWORD")
}

# The worker app pingform uses to read PingOne during plan (it never writes PingOne).
pingone {
  region         = "NA"
  environment_id = "8f3c2a10-5b7e-4d21-9a64-0c1d2e3f4a5b"
  client_id      = "0c1d2e3f-0000-4000-8000-00000000c11e"
  client_secret  = env("PINGONE_CLIENT_SECRET")
}

datastore "ldap" "corp_directory" {
  ldap_type = "PING_DIRECTORY"
  hostnames = ["ldap1.corp.example.com:636", "ldap2.corp.example.com:636"]
  use_ssl   = true
  user_dn   = "cn=pf-reader,ou=services,dc=corp,dc=example,dc=com"
  password  = env("LDAP_BIND_PASSWORD")
}

datastore "jdbc" "provisioner" {
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.corp.example.com:5432/pf_provisioner"
  user_name      = "pf_provisioner"
  password       = env("PROVISIONER_DB_PASSWORD")
}

outbound_provisioning {
  datastore                 = datastore.jdbc.provisioner
  synchronization_frequency = 60
}

# The credential PingFederate itself uses to reach PingOne.
pingone_connection "workforce" {
  name       = "Workforce"
  credential = env("PINGONE_CREDENTIAL")
}

provisioning_connection "pingone" {
  entity_id          = "pingone-provisioning"
  name               = "PingOne provisioning"
  active             = true
  pingone_connection = pingone_connection.workforce
  remove_action      = "Disable"

  channel "employees" {
    datastore   = datastore.ldap.corp_directory
    base_dn     = "ou=people,dc=corp,dc=example,dc=com"
    user_filter = "(objectClass=inetOrgPerson)"
    population  = "Employees"
    attribute_mapping = {
      username  = "uid"
      email     = "mail"
      firstName = "givenName"
      lastName  = "sn"
    }
  }
}

# The PingFederate guide for enabling provisioning: keep the account used to
# administer users over the connection to PingOne out of what PingFederate provisions.
exclusion "pingone_admin" {
  pingone_username = "pingone-admin@example.com"
  source_attribute = "uid"
  source_value     = "pingone-admin"
  reason           = "administers users over the connection to PingOne"
}
