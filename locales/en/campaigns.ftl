# /campaigns: platform choice, list, filter, sort, search, cards, bulk mode.

campaigns-status = { $status ->
    [draft] Draft
    [scheduled] Scheduled
    [sending] Sending
    [paused] Paused
    [published] Published
    [failed] Failed
    [cancelled] Cancelled
   *[archived] Archived
}
campaigns-training = { $training ->
    [trained] Trained
    [training] Training
   *[not_trained] Not trained
}
campaigns-platform = { $platform ->
    [whatsapp] WhatsApp
   *[telegram] Telegram
}
campaigns-platform-short = { $platform ->
    [whatsapp] [WA]
   *[telegram] [TG]
}
campaigns-type = { $type ->
    [promotional] Promotional
    [informational] Informational
    [event_announcement] Event announcement
    [follow_up] Follow-up
   *[engagement] Engagement
}
campaigns-date = { $date ->
    [today] Today
    [week] This week
    [month] This month
   *[any] Any date
}
campaigns-sort = { $sort ->
    [recent] Most recent
    [oldest] Oldest first
    [name_asc] Name (A-Z)
    [name_desc] Name (Z-A)
    [schedule] Schedule date
   *[status] Status
}
campaigns-not-scheduled = not scheduled

campaigns-choose-platform = 📋 Campaigns: which platform?
campaigns-platform-whatsapp-button = 🟢 WhatsApp
campaigns-platform-telegram-button = ✈️ Telegram
campaigns-platform-all-button = All

campaigns-list-title = { $platform ->
    [whatsapp] WhatsApp campaigns
    [telegram] Telegram campaigns
   *[all] All campaigns
} ({ $total } total) · page { $page }/{ $pages }
campaigns-list-filter = Filter: { $filters }
campaigns-list-sort = Sort: { $sort }
campaigns-list-search = Search: “{ $search }”
campaigns-list-empty = No campaigns match. Change the filter or the search, or create one with /newcampaign.
campaigns-list-expired = This list has expired. Here is a fresh start.
campaigns-line-whatsapp = { $featured }{ $tag }{ $id }. { $name } — { $status }, { $training }, { $schedule }
campaigns-line-telegram = { $featured }{ $tag }{ $id }. { $name } — { $status }, { $schedule }

campaigns-btn-search = 🔍 Search
campaigns-btn-filter = Filter
campaigns-btn-sort = Sort
campaigns-btn-bulk = ☑ Bulk
campaigns-btn-clear-search = ✕ Clear search
campaigns-btn-platforms = ⬅ Platforms
campaigns-btn-back-list = ⬅ Back to the list
campaigns-btn-back-card = ⬅ Back to the campaign
campaigns-btn-back-bulk = ⬅ Back to bulk mode
campaigns-btn-no = ✖ No, go back
campaigns-btn-refresh = 🔄 Refresh

campaigns-search-prompt = 🔍 Type part of the campaign name. Press ✖ Cancel or send /cancel to stop.

campaigns-filter-title = Filter the list: tap a status, a training status and a date range.
campaigns-filter-any-status = All statuses
campaigns-filter-any-training = Any training
campaigns-btn-show-results = ✅ Show { $count } { $count ->
    [one] campaign
   *[other] campaigns
}
campaigns-btn-reset-filter = Reset
campaigns-sort-title = Sort the list by:

# card
campaigns-card-title = { $featured }#{ $id } { $name }
campaigns-card-platform = Platform: { $platform } · Type: { $type }
campaigns-card-status = Status: { $status }
campaigns-card-training = Training: { $training }
campaigns-card-schedule = Schedule: { $schedule }
campaigns-card-repeat = Repeats: { $frequency ->
    [daily] daily
    [weekly] weekly
    [monthly] monthly
   *[other] { $frequency }
}
campaigns-card-repeat-until = Repeats: { $frequency ->
    [daily] daily
    [weekly] weekly
    [monthly] monthly
   *[other] { $frequency }
} until { $until }
campaigns-card-audience = Audience: { $audience }
campaigns-card-progress = Sent { $sent } of { $total }, failed { $failed }
campaigns-card-last-error = Last error: { $error }
campaigns-card-message = Message:
campaigns-card-no-text = (no text yet)
campaigns-card-media = Media: { $kind } { $name } ({ $size })
campaigns-card-buttons = Buttons: { $count }
campaigns-card-dates = Created { $created } · changed { $updated }

campaigns-audience-all-contacts = all contacts
campaigns-audience-segments = segments { $segments }
campaigns-audience-contacts = { $count } chosen { $count ->
    [one] contact
   *[other] contacts
}
campaigns-audience-imported = { $count } imported { $count ->
    [one] number
   *[other] numbers
}
campaigns-audience-all-subscribers = all subscribers
campaigns-audience-groups = { $count } { $count ->
    [one] group
   *[other] groups
}
campaigns-audience-channels = { $count } { $count ->
    [one] channel
   *[other] channels
}
campaigns-audience-direct = { $count } direct { $count ->
    [one] subscriber
   *[other] subscribers
}
campaigns-audience-none = nobody chosen yet

campaigns-btn-feature = ⚡ Feature
campaigns-btn-unfeature = ☆ Unfeature
campaigns-btn-edit = ✏️ Edit
campaigns-btn-delete = ✕ Delete
campaigns-btn-duplicate = ⧉ Duplicate
campaigns-btn-send-test = 🧪 Send test
campaigns-btn-cancel = 🚫 Cancel
campaigns-btn-pause = ⏸ Pause
campaigns-btn-resume = ▶ Resume
campaigns-btn-retry = 🔁 Retry failed
campaigns-btn-stats = 📊 Stats
campaigns-btn-schedule = 🗓 Schedule
campaigns-btn-send-now = 🚀 Send now

campaigns-outdated-card = ⚠️ Campaign #{ $id } has changed: it is now { $status }. Here is its current card.
campaigns-gone = Campaign #{ $id } no longer exists (deleted or archived).
campaigns-featured = ⚡ #{ $id } is featured: it comes first in the list.
campaigns-unfeatured = #{ $id } is no longer featured.

# edit
campaigns-edit-menu = ✏️ What do you want to change in #{ $id } “{ $name }”?
campaigns-btn-edit-name = Name
campaigns-btn-edit-message = Message text
campaigns-btn-edit-schedule = Schedule time
campaigns-edit-name-prompt = Send the new name for #{ $id } (now “{ $name }”), up to 100 characters.
campaigns-edit-message-prompt =
    Send the new message text for #{ $id } (up to 4,096 characters; *bold*, _italic_, ~strike~, `code`, [link](https://…)).
    Now:
    { $text }
campaigns-edit-schedule-prompt =
    Send the new date and time for #{ $id } as YYYY-MM-DD HH:MM, e.g. 2029-06-13 11:24.
    Time zone: { $zone } (add another zone after the time to change it). Now: { $current }
campaigns-edit-published = Published campaigns cannot be edited — duplicate it instead.
campaigns-saved = ✅ Saved: #{ $id } is updated.
campaigns-try-again = ⚠️ { $error } Try again, or press ✖ Cancel.

# schedule / send now (drafts)
campaigns-schedule-prompt =
    🗓 When should #{ $id } “{ $name }” go out? Send the date and time as YYYY-MM-DD HH:MM, e.g. 2029-06-13 11:24.
    Time zone: { $zone } (add another zone after the time to change it).
campaigns-schedule-confirm = Schedule #{ $id } “{ $name }” for { $when }?
campaigns-btn-schedule-yes = ✅ Schedule it
campaigns-scheduled = 🕐 #{ $id } is scheduled.
campaigns-send-now-confirm = 🚀 Send #{ $id } “{ $name }” now? Estimated reach: { $reach } { $reach ->
    [one] recipient
   *[other] recipients
}.
campaigns-btn-send-now-yes = 🚀 Yes, send now
campaigns-sent-now = 🚀 #{ $id } is handed to the dispatcher: sending starts within seconds.

# delete / cancel / pause / resume / retry
campaigns-delete-confirm-remove = Delete #{ $id } “{ $name }”? It is removed for good; this cannot be undone.
campaigns-delete-confirm-archive = Delete #{ $id } “{ $name }”? Sent campaigns are archived: kept for analytics, hidden from the list.
campaigns-btn-delete-yes = ✕ Yes, delete
campaigns-deleted = 🗑 #{ $id } “{ $name }” is deleted.
campaigns-archived = 🗄 #{ $id } “{ $name }” is archived: kept for analytics, hidden from the list.
campaigns-duplicated = ⧉ Created draft #{ $id } “{ $name }” from #{ $from }.
campaigns-cancel-confirm = Cancel #{ $id } “{ $name }”? It will not be sent. This cannot be undone.
campaigns-btn-cancel-yes = 🚫 Yes, cancel it
campaigns-cancelled = 🚫 #{ $id } is cancelled.
campaigns-paused = ⏸ #{ $id } is paused. Resume it when you are ready.
campaigns-resume-confirm = Resume sending #{ $id } “{ $name }”? The recipients not reached yet get the message.
campaigns-btn-resume-yes = ▶ Yes, resume
campaigns-resumed = ▶ #{ $id } resumes: sending continues within seconds.
campaigns-retry-confirm = Retry #{ $id } “{ $name }”? { $count } failed { $count ->
    [one] delivery
   *[other] deliveries
} will be resent; the others are not sent again.
campaigns-btn-retry-yes = 🔁 Yes, resend { $count }
campaigns-retried = 🔁 #{ $id }: the failed deliveries are being resent.
campaigns-test-sent = 🧪 Test of #{ $id } sent to you.

# bulk mode
campaigns-bulk-title = ☑ Bulk mode — { $platform ->
    [whatsapp] WhatsApp campaigns
    [telegram] Telegram campaigns
   *[all] all campaigns
}, page { $page }/{ $pages }
campaigns-bulk-selected = Selected: { $count }{ $count ->
    [0] {""}
   *[other] {" "}({ $ids })
}. Tap campaigns to select them, then choose an action.
campaigns-bulk-none-selected = Select at least one campaign first.
campaigns-btn-bulk-delete = ✕ Delete selected ({ $count })
campaigns-btn-bulk-status = Change status
campaigns-btn-bulk-duplicate = ⧉ Duplicate selected
campaigns-btn-bulk-training = Update training status
campaigns-btn-bulk-export = ⬇ Export CSV
campaigns-btn-bulk-clear = ☐ Clear selection
campaigns-bulk-delete-confirm =
    Delete { $count } selected { $count ->
        [one] campaign
       *[other] campaigns
    } ({ $ids })?
    Drafts, scheduled and cancelled ones are removed for good; published and failed ones are archived; sending and paused ones are refused.
campaigns-btn-bulk-delete-yes = ✕ Yes, delete { $count }
campaigns-bulk-delete-title = Delete selected
campaigns-bulk-outcome = { $outcome ->
    [archive] archived
   *[remove] deleted
}
campaigns-bulk-status-title = Change the status of { $count } selected { $count ->
    [one] campaign
   *[other] campaigns
}:
campaigns-bulk-action = { $action ->
    [unschedule] 📝 Back to draft
    [cancel] 🚫 Cancel
    [pause] ⏸ Pause
    [resume] ▶ Resume
    [retry] 🔁 Retry failed
   *[archive] 🗄 Archive
}
campaigns-bulk-status-confirm = Apply “{ $action }” to { $count } selected { $count ->
    [one] campaign
   *[other] campaigns
}? Those where it is not possible are skipped and listed with the reason.
campaigns-btn-yes-apply = ✅ Yes: { $action }
campaigns-bulk-now = now { $status }
campaigns-bulk-duplicate-title = Duplicate selected
campaigns-bulk-copied = copied to draft #{ $id }
campaigns-bulk-training-title = Set the training status of { $count } selected { $count ->
    [one] campaign
   *[other] campaigns
} (WhatsApp only):
campaigns-bulk-training-done-title = Update training status
campaigns-bulk-summary = { $title }: { $done } done, { $refused } refused.
campaigns-bulk-done-line = ✅ #{ $id } { $name } — { $result }
campaigns-bulk-refused-line = ⛔ #{ $id } { $name } — refused: { $reason }
campaigns-refused-transition = { $action ->
    [delete] a { $from } campaign cannot be deleted{ $from ->
        [sending] {""}; pause or cancel it first
        [paused] {""}; cancel it first
       *[other] {""}
    }
    [unschedule] only a scheduled campaign can go back to draft (this one is { $from })
    [cancel] only a scheduled, sending or paused campaign can be cancelled (this one is { $from })
    [pause] only a sending campaign can be paused (this one is { $from })
    [resume] only a paused campaign can be resumed (this one is { $from })
    [retry] only a failed campaign can be retried (this one is { $from })
    [archive] only a published, failed or cancelled campaign can be archived (this one is { $from })
   *[other] not possible while it is { $from }
}
campaigns-refused-feature = training status exists for WhatsApp campaigns only
campaigns-export-caption = ⬇ { $count } { $count ->
    [one] campaign
   *[other] campaigns
}, times in each campaign's time zone.
campaigns-export-sent = CSV sent.
