# Progress, summaries and automatic pauses sent by the dispatcher to the admin who started a send.
dispatch-progress =
    📤 { $name } (#{ $id })
    { $bar } { $percent }%
    Sent: { $sent } · Failed: { $failed } · Left: { $remaining } of { $total }
    Time left: { $eta }
dispatch-summary-published =
    ✅ { $name } (#{ $id }) is published.
    Sent: { $sent } of { $total } · Failed: { $failed }
dispatch-summary-failed =
    ❌ { $name } (#{ $id }) failed.
    Sent: { $sent } of { $total } · Failed: { $failed }
dispatch-summary-reason = • { $reason }: { $count }
dispatch-summary-unknown = ❔ { $unknown } may or may not have arrived: the sender stopped in the middle of sending them, and they were not sent again so that nobody gets the message twice.
dispatch-summary-next = 🕐 Next run: { $next }
dispatch-paused = ⏸ { $name } (#{ $id }) is paused. Sent so far: { $sent } of { $total }.
dispatch-cancelled = 🚫 { $name } (#{ $id }) is cancelled. Sent before that: { $sent } of { $total }.
dispatch-auto-paused =
    ⚠️ { $name } (#{ $id }) was paused automatically: { $count } sends in a row failed ({ $reason }).
    Sent so far: { $sent } of { $total }. Fix the cause, then resume it from the campaign card.
dispatch-reason-invalid_number = invalid number
dispatch-reason-blocked = bot blocked or removed
dispatch-reason-network = network or Telegram errors
dispatch-reason-platform_restriction = not allowed by Telegram (rights, bot token)
dispatch-reason-rate_limited = rate limited by Telegram
dispatch-reason-chat_not_found = chat not found
dispatch-reason-content_rejected = message refused by Telegram
dispatch-reason-unknown = unknown error
