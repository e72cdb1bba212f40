import { queryOptions } from "@tanstack/react-query";
import { WebhookDeliveriesPage, WebhookCreatedView, WebhookView, WebhooksResponse, type WebhookCreateBody } from "@/lib/api/webhook-views.ts";
import { DeletedView } from "@/lib/api/engine-views.ts";
import { apiGet, apiRequest } from "../api-client.ts";

// One queryOptions factory per resource, and the changes the screen makes.

export const webhooksQuery = () =>
  queryOptions({
    queryKey: ["webhooks"],
    queryFn: ({ signal }) => apiGet("/api/v1/webhooks", WebhooksResponse, signal),
  });

export const webhookDeliveriesQuery = (id: string) =>
  queryOptions({
    queryKey: ["webhooks", id, "deliveries"],
    queryFn: ({ signal }) => apiGet(`/api/v1/webhooks/${encodeURIComponent(id)}/deliveries?limit=50`, WebhookDeliveriesPage, signal),
  });

export type WebhookInput = Omit<WebhookCreateBody, "format" | "generateSecret"> & { format: "json" | "slack"; generateSecret: boolean };

export const createWebhook = (body: WebhookInput) => apiRequest("POST", "/api/v1/webhooks", WebhookCreatedView, { body });
export const setWebhookEnabled = (id: string, enabled: boolean) =>
  apiRequest("PATCH", `/api/v1/webhooks/${encodeURIComponent(id)}`, WebhookView, { body: { enabled } });
export const deleteWebhook = (id: string) => apiRequest("DELETE", `/api/v1/webhooks/${encodeURIComponent(id)}`, DeletedView);
