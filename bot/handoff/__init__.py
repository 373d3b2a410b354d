"""Human handoff: who owns a conversation, the queue, triggers, delivery to the customer's
channel, and the background work (Slack alerts, queue updates). See bot/desk for agents."""
