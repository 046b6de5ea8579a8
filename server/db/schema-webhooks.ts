/* Signed webhooks (migration 0090); part of Database in schema.ts. */
type Iso = string

export interface WebhookEndpointTable {
  id: string
  merchant_id: string
  url: string
  description: string
  events: string
  secret: string
  previous_secret: string | null
  previous_secret_until: Iso | null
  state: 'active' | 'disabled'
  disabled_reason: 'gone' | 'failing' | 'owner' | null
  disabled_detail: string | null
  disabled_at: Iso | null
  failing_since: Iso | null
  last_success_at: Iso | null
  created_at: Iso
  updated_at: Iso
}
export interface WebhookEventTable {
  id: string
  merchant_id: string
  type: string
  payload: string
  dedupe_key: string | null
  created_at: Iso
}
export interface WebhookDeliveryTable {
  id: string
  event_id: string
  endpoint_id: string
  merchant_id: string
  state: 'queued' | 'sending' | 'delivered' | 'failed'
  attempts: number
  not_before: Iso
  claimed_until: Iso | null
  last_status: number | null
  last_error: string | null
  last_duration_ms: number | null
  delivered_at: Iso | null
  created_at: Iso
}
export interface WebhookAttemptTable {
  id: string
  delivery_id: string
  status: number
  error: string | null
  duration_ms: number
  created_at: Iso
}

export interface WebhookDatabase {
  webhook_endpoints: WebhookEndpointTable
  webhook_events: WebhookEventTable
  webhook_deliveries: WebhookDeliveryTable
  webhook_attempts: WebhookAttemptTable
}
