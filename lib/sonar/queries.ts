/**
 * The Sonar queries a snapshot runs: one list query per table, every scalar field, sorted by id
 * so that pages stay stable while we read them. Each takes `$paginator` (the client pages) and
 * `$search` (incremental snapshots pass `updated_at >= high-water mark`).
 *
 * Accounts are read with `include_archived: true`: whether an archived account migrates is the
 * analyst's decision, made on the data, not a filter hidden in extraction.
 *
 * test/sonar-queries.test.ts validates every query here against the real Sonar schema.
 */
export const SNAPSHOT_QUERIES = {
  companies: `query($paginator: Paginator, $search: [Search]) {
  companies(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name default enabled country phone_number
        tax_identification website_address customer_portal_url primary_color secondary_color
        show_remittance_slip checks_payable_to isp_type
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  account_statuses: `query($paginator: Paginator, $search: [Search]) {
  account_statuses(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name activates_account color icon
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  account_types: `query($paginator: Paginator, $search: [Search]) {
  account_types(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name type color icon
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  accounts: `query($paginator: Paginator, $search: [Search]) {
  accounts(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}], include_archived: true) {
    entities {
        id sonar_unique_id created_at updated_at _version name account_status_id account_type_id company_id
        activation_date activation_time archived_at archived_by_user_id is_delinquent next_bill_date
        next_recurring_charge_amount parent_account_id geopoint data_usage_percentage
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  account_billing_parameters: `query($paginator: Paginator, $search: [Search]) {
  account_billing_parameters(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version account_id aggregate_invoice_taxes
        aggregate_linked_debits auto_pay_day auto_pay_days bill_day bill_day_mode bill_mode default_for due_days
        due_days_day grace_days invoice_day lifeline months_to_bill print_invoice
        switch_status_after_delinquency tax_exempt
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  addresses: `query($paginator: Paginator, $search: [Search]) {
  addresses(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version addressable_type addressable_id type serviceable line1
        line2 city subdivision zip country county latitude longitude timezone is_anchor
        attainable_download_speed attainable_upload_speed
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  contacts: `query($paginator: Paginator, $search: [Search]) {
  contacts(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version contactable_type contactable_id name email_address
        primary role username language marketing_opt_in
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  phone_numbers: `query($paginator: Paginator, $search: [Search]) {
  phone_numbers(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version contact_id number extension country number_formatted
        phone_number_type_id sms_opt_in
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  phone_number_types: `query($paginator: Paginator, $search: [Search]) {
  phone_number_types(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name sms_capable
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  services: `query($paginator: Paginator, $search: [Search]) {
  services(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name type application amount enabled company_id
        display_if_zero
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  data_service_details: `query($paginator: Paginator, $search: [Search]) {
  data_service_details(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version service_id billing_frequency
        download_speed_kilobits_per_second upload_speed_kilobits_per_second technology_code
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  recurring_service_details: `query($paginator: Paginator, $search: [Search]) {
  recurring_service_details(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version service_id billing_frequency
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  voice_service_details: `query($paginator: Paginator, $search: [Search]) {
  voice_service_details(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version service_id billing_frequency sub_type country
        first_interval_in_seconds sub_interval_in_seconds inbound_toll_free_rate_per_minute_in_thousandths
        rollup_generic_parameters show_call_detail_records_on_invoice unlimited_local_minutes
        unlimited_long_distance_minutes local_minutes long_distance_minutes
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  account_services: `query($paginator: Paginator, $search: [Search]) {
  account_services(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version account_id service_id quantity price_override
        price_override_reason name_override next_bill_date addition_prorate_date number_of_times_billed
        package_id
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  supernets: `query($paginator: Paginator, $search: [Search]) {
  supernets(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name subnet
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  subnets: `query($paginator: Paginator, $search: [Search]) {
  subnets(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name subnet supernet_id type polling_priority
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  ip_pools: `query($paginator: Paginator, $search: [Search]) {
  ip_pools(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name ip_range subnet_id ips_available
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  ip_assignments: `query($paginator: Paginator, $search: [Search]) {
  ip_assignments(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version ipassignmentable_type ipassignmentable_id subnet
        subnet_id ip_pool_id soft description reference
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  radius_accounts: `query($paginator: Paginator, $search: [Search]) {
  radius_accounts(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version account_id username password
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  network_sites: `query($paginator: Paginator, $search: [Search]) {
  network_sites(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name geopoint height_in_meters
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  // A site's serviceable addresses are a many-to-many relation: the first page of ids comes with
  // the list, the rest through LINK_PAGE_QUERIES; the snapshot keeps the ids (LINK_LISTS).
  network_site_serviceable_address_lists: `query($paginator: Paginator, $search: [Search]) {
  network_site_serviceable_address_lists(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version network_site_id
        addresses(sorter: [{attribute: "id", direction: ASC}]) {
          entities { id }
          page_info { page total_pages total_count records_per_page }
        }
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  manufacturers: `query($paginator: Paginator, $search: [Search]) {
  manufacturers(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  inventory_model_categories: `query($paginator: Paginator, $search: [Search]) {
  inventory_model_categories(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name icon
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  inventory_models: `query($paginator: Paginator, $search: [Search]) {
  inventory_models(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name model_name manufacturer_id
        inventory_model_category_id enabled generic device_type icon is_segmentable
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  inventory_model_fields: `query($paginator: Paginator, $search: [Search]) {
  inventory_model_fields(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version inventory_model_id name type primary required unique
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  inventory_items: `query($paginator: Paginator, $search: [Search]) {
  inventory_items(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version inventory_model_id inventoryitemable_type
        inventoryitemable_id status purchase_price account_service_id quantity flapping icmp_status_flap_count
        snmp_status_flap_count
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  inventory_model_field_data: `query($paginator: Paginator, $search: [Search]) {
  inventory_model_field_data(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version inventory_item_id inventory_model_field_id value
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  inventory_locations: `query($paginator: Paginator, $search: [Search]) {
  inventory_locations(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name default_shipping_location
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  users: `query($paginator: Paginator, $search: [Search]) {
  users(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name public_name username email_address enabled
        super_admin role_id mobile_number language completed_setup
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  roles: `query($paginator: Paginator, $search: [Search]) {
  roles(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name applied_permissions
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  notes: `query($paginator: Paginator, $search: [Search]) {
  notes(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version noteable_type noteable_id message priority user_id
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  tickets: `query($paginator: Paginator, $search: [Search]) {
  tickets(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version subject description status priority ticketable_type
        ticketable_id ticket_group_id user_id closed_at due_date company_id parent_ticket_id inbound_mailbox_id
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  ticket_replies: `query($paginator: Paginator, $search: [Search]) {
  ticket_replies(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version ticket_id body incoming author author_email user_id
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  ticket_comments: `query($paginator: Paginator, $search: [Search]) {
  ticket_comments(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version ticket_id body user_id
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  ticket_groups: `query($paginator: Paginator, $search: [Search]) {
  ticket_groups(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name enabled private
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  ticket_categories: `query($paginator: Paginator, $search: [Search]) {
  ticket_categories(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name enabled
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  custom_fields: `query($paginator: Paginator, $search: [Search]) {
  custom_fields(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version name entity_type type required unique enum_options
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  custom_field_data: `query($paginator: Paginator, $search: [Search]) {
  custom_field_data(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version custom_field_id customfielddataable_type
        customfielddataable_id value
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  invoices: `query($paginator: Paginator, $search: [Search]) {
  invoices(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version account_id company_id date due_date end_date status
        total_debits total_taxes remaining_due void delinquent number_of_months auto_pay_attempts
        child_invoice_remaining_due frozen late_fee_applied late_fee_only pending_email tax_committed message
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  debits: `query($paginator: Paginator, $search: [Search]) {
  debits(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version account_id amount company_id description invoice_id
        number_of_months quantity reversed service_id service_name type
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  payments: `query($paginator: Paginator, $search: [Search]) {
  payments(paginator: $paginator, search: $search, sorter: [{attribute: "id", direction: ASC}]) {
    entities {
        id sonar_unique_id created_at updated_at _version account_id amount amount_remaining company_id
        payment_datetime payment_type reference successful status description
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
} as const;

export type SnapshotTable = keyof typeof SNAPSHOT_QUERIES;

export const SNAPSHOT_TABLES = Object.keys(SNAPSHOT_QUERIES) as SnapshotTable[];

/**
 * The later pages of a link list (lib/sonar/relations.ts `LINK_LISTS`) of one record, when its
 * first page, read with the record, did not hold them all. `$id` is the record's id.
 */
export const LINK_PAGE_QUERIES: Record<string, Record<string, string>> = {
  network_site_serviceable_address_lists: {
    addresses: `query($id: Int64Bit, $paginator: Paginator) {
  network_site_serviceable_address_lists(id: $id) {
    entities {
      addresses(paginator: $paginator, sorter: [{attribute: "id", direction: ASC}]) {
        entities { id }
        page_info { page total_pages total_count records_per_page }
      }
    }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  },
};

/**
 * Tables read whole by every snapshot, an incremental one too: adding an address to a site's list
 * need not change the list's `updated_at`, so a delta by `updated_at` could miss it. They are
 * small (one list per site); their deletions are found by their id listing below.
 */
export const READ_WHOLE = new Set<string>(['network_site_serviceable_address_lists']);

/**
 * Id-only listings, to notice records deleted in Sonar (an incremental snapshot sees only what was
 * updated, and a deleted record is never updated again). Accounts include archived ones: an
 * archived account is not a deleted one.
 */
export const ID_QUERIES = {
  accounts: `query($paginator: Paginator) {
  accounts(paginator: $paginator, sorter: [{attribute: "id", direction: ASC}], include_archived: true) {
    entities { id }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  account_services: `query($paginator: Paginator) {
  account_services(paginator: $paginator, sorter: [{attribute: "id", direction: ASC}]) {
    entities { id }
    page_info { page total_pages total_count records_per_page }
  }
}`,
  network_site_serviceable_address_lists: `query($paginator: Paginator) {
  network_site_serviceable_address_lists(paginator: $paginator, sorter: [{attribute: "id", direction: ASC}]) {
    entities { id }
    page_info { page total_pages total_count records_per_page }
  }
}`,
} as const;
