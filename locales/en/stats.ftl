# /stats: one campaign's figures, or a list to pick from.
stats-title = 📊 Campaign #{ $id }: { $name }
stats-subtitle = { $platform } · { $status }
stats-nothing-sent = Nothing has been sent yet: figures appear once the campaign goes out.
stats-sent = Sent: { $count } { $count ->
    [one] message
   *[other] messages
}
stats-delivered = Delivered: { $count } ({ $percent })
stats-failed = Failed: { $count } ({ $percent })
stats-read = Read: { $count } ({ $percent })
stats-clicked = Clicked: { $count } ({ $percent })
stats-responses = Responses: { $count } ({ $percent })
stats-clicked-tracked = Clicks on tracked links: { $count } ({ $percent })
stats-unknown = Outcome unknown (interrupted send): { $count } ({ $percent })

stats-delivery-title = Delivery status
stats-row-delivered = Delivered — { $count } — { $percent }
stats-row-read = Read — { $count } — { $percent }
stats-row-failed = Failed — { $count } — { $percent }
stats-row-pending = Pending — { $count } — { $percent }

stats-reasons-title = Failure reasons
stats-reason = { $reason ->
    [invalid_number] Invalid number
    [blocked] Blocked contact
    [network] Network error
    [platform_restriction] Platform restriction
    [rate_limited] Rate limited
    [chat_not_found] Chat not found
    [content_rejected] Content rejected
   *[unknown] Unknown
}: { $count }

stats-engagement-title = Engagement
stats-ctr = Click-through rate: { $percent }
stats-response-rate = Response rate: { $percent }
stats-conversion-rate = Conversion rate: { $percent }
stats-response-time = Average response time: { $minutes } { $minutes ->
    [one] minute
   *[other] minutes
}
stats-telegram-limits = ℹ️ Telegram does not tell bots how many people viewed or shared a message, so views and shares cannot be shown here. Percentages are shares of the messages sent.

stats-pick = 📊 Which campaign? The most recent ones:
stats-pick-line = { $id }. { $name } — { $status }
stats-no-campaigns = There are no campaigns yet. Create one with /newcampaign.
stats-usage = “{ $arg }” is not a campaign ID. Send /stats 12 for campaign #12, or /stats alone to choose from a list.
stats-unknown-id = There is no campaign #{ $id }. Send /stats to choose from the list.
stats-btn-refresh = 🔄 Refresh
stats-btn-list = ⬅ Other campaigns
