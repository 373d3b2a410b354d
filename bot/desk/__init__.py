"""The agent desk: login, queue, conversation view with context, replies, notes, hand-back."""
