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

# Telegram figures the Bot API does not give.
stats-views-na = Views: not available (the Bot API does not report them)
stats-shares-na = Shares: not available (the Bot API does not report them)
stats-reactions = Reactions: { $count } (in groups and channels where the bot is an admin)
stats-total-clicks = Clicks in total, repeats included: { $count }

stats-tracking-on = 🔗 Click tracking: on. Links go through { $url } and each recipient's first click counts.
stats-tracking-off-campaign = 🔗 Click tracking: off for this campaign. Links are sent as written and clicks are not counted.
stats-tracking-off-no-url = 🔗 Click tracking: off, because PUBLIC_URL is not set. Links are sent as written and clicks are not counted.
stats-goal = 🎯 Goal page: { $url }
stats-goal-none = 🎯 No goal page: conversions are counted only when your site reports them.

stats-runs-title = Runs (recurring campaign)
stats-run-line = Run { $n } · { $when }: sent { $sent } · delivered { $delivered } · clicked { $clicked } ({ $ctr })
stats-run-when-unknown = start not recorded
stats-all-runs = All { $count } runs together are shown above.
stats-updated = Updated { $when }

stats-btn-charts = 📈 Charts
stats-btn-csv = 📄 Export CSV
stats-btn-tracking-off = 🔗 Turn click tracking off
stats-btn-tracking-on = 🔗 Turn click tracking on
stats-btn-goal = 🎯 Goal page
stats-tracking-now-on = Click tracking is on for the next sends of campaign #{ $id }.
stats-tracking-now-off = Click tracking is off for the next sends of campaign #{ $id }.
stats-goal-prompt = 🎯 Send the address of the page that means “converted” for campaign #{ $id } (for example https://shop.example/thanks), or “-” to remove it.

    Tracked clicks then reach your site with an mb_goal parameter; send the visitor to { $base }/g/<mb_goal> when they convert (or POST {"{"}"token": "<mb_goal>"{"}"} to { $base }/g).
stats-goal-saved = 🎯 Goal page of campaign #{ $id }: { $url }
stats-goal-removed = 🎯 Campaign #{ $id } has no goal page now.
error-invalid-goal-url = “{ $url }” is not a web address. Send one starting with https:// or http://.

stats-charts-none = Nothing has been sent yet, so there is nothing to chart.
stats-chart-funnel-title = Campaign #{ $id }: delivery funnel
stats-chart-timeline-title = Campaign #{ $id }: sends and clicks per { $unit ->
    [hour] hour
   *[day] day
} ({ $zone })
stats-chart-sends = Sent
stats-chart-clicks = First clicks
stats-funnel-stage = { $stage ->
    [sent] Sent
    [delivered] Delivered
    [read] Read
    [clicked] Clicked
    [responses] Responses
   *[converted] Converted
} { $count } ({ $percent })
stats-charts-caption = 📈 Campaign #{ $id }: { $name }
stats-csv-caption = 📄 Campaign #{ $id }: { $rows } { $rows ->
    [one] delivery
   *[other] deliveries
}, times in { $zone }.
stats-csv-header = { $field ->
    [run] run
    [recipient] recipient
    [name] name
    [status] status
    [reason] failure reason
    [attempts] attempts
    [sentAt] sent at
    [deliveredAt] delivered at
    [readAt] read at
    [failedAt] failed at
    [clickedAt] first click at
    [clicks] clicks
    [respondedAt] responded at
   *[convertedAt] converted at
}

# /stats without an id: totals over a period and the best campaigns by click-through.
stats-overview-title = 📊 Overview · { $days ->
    [all] all time
   *[other] last { $days } days
}
stats-overview-empty = Nothing was sent in this period.
stats-overview-totals = { $campaigns } { $campaigns ->
    [one] campaign
   *[other] campaigns
} · sent { $sent } · delivered { $delivered } ({ $deliveredPercent }) · failed { $failed } ({ $failedPercent }) · clicked { $clicked } ({ $clickedPercent })
stats-top-title = 🏆 Top campaigns by click-through:
stats-top-line = { $rank }. #{ $id } { $name } — { $ctr } ({ $clicked } of { $sent })
stats-btn-range = { $days ->
    [7] 7 days
    [30] 30 days
   *[all] All time
}

# Replies recipients sent after a campaign reached them.
stats-btn-replies = 💬 Replies
stats-replies-none = Nobody has replied to this campaign yet.
stats-replies-title = 💬 Latest { $count } replies to campaign #{ $id }: { $name }
stats-reply-line = • { $when } · { $from }: “{ $text }”
stats-reply-media-line = • { $when } · { $from }: [{ $media }] “{ $text }”
stats-reply-media-only-line = • { $when } · { $from }: [{ $media }]
reply-media = { $kind ->
    [photo] 📷 photo
    [video] 🎬 video
    [voice] 🎤 voice message
    [audio] 🎵 audio
    [document] 📄 file
    [sticker] 🏷 sticker
    [animation] 🎞 GIF
    [video_note] ⏺ video message
    [location] 📍 location
    [contact] 👤 contact
   *[other] 📎 attachment
}
