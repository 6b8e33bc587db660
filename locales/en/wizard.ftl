# /newcampaign: the six-step wizard (details, audience, message, schedule, settings, review).

wizard-back = ⬅ Back
wizard-cancel = ✖ Cancel
wizard-continue = Continue ➡
wizard-skip = Skip ➡
wizard-cancelled = Campaign creation cancelled. Nothing was saved.
wizard-nothing-to-cancel = There is nothing to cancel.
wizard-busy = You are creating a campaign. Answer the question above, or send /cancel to leave the wizard.
wizard-already-running = You are already creating a campaign: answer the question above, or send /cancel to start over.
wizard-use-buttons = Please choose with the buttons below.
wizard-outdated-button = That button belongs to an earlier question: nothing was changed. Here is the current one again.
wizard-template-missing = That template no longer exists; let's start from scratch.
wizard-option = { $mark } { $name } ({ $count })
wizard-page = { $page }/{ $pages }

## Step 1: details
wizard-name =
    ➕ New campaign · step { $step } of { $steps }: details

    What is the campaign called? Send a name of 1–100 characters.
    Example: Flash Sale Weekend Offer

    /cancel leaves the wizard at any time; nothing is saved before the last step.
wizard-name-as-text = Please send the name as a text message.
wizard-keep-name = Keep “{ $name }”
wizard-use-template-name = Use “{ $name }”
wizard-platform =
    Step { $step } of { $steps }: details

    Where should “{ $name }” go out?
wizard-platform-whatsapp = 🟢 WhatsApp
wizard-platform-telegram = ✈️ Telegram
wizard-type =
    Step { $step } of { $steps }: details

    What kind of campaign is it?
wizard-type-promotional = Promotional
wizard-type-informational = Informational
wizard-type-event_announcement = Event Announcement
wizard-type-follow_up = Follow-up
wizard-type-engagement = Engagement

## Step 2: audience
wizard-all-contacts = All Contacts
wizard-all-subscribers = All Subscribers
wizard-all-groups = Select all groups
wizard-audience-whatsapp =
    Step { $step } of { $steps }: audience (WhatsApp)

    Tap to select the recipients, then Continue.

    Estimated reach: { $reach } { $reach ->
        [one] contact
       *[other] contacts
    }
wizard-audience-telegram =
    Step { $step } of { $steps }: audience (Telegram)

    Tap to select subscribers, groups and channels, then Continue.

    Estimated reach: { $reach } { $reach ->
        [one] member
       *[other] members
    }
wizard-audience-no-groups = The bot is not in any group or channel yet. Add it to one (as an admin in channels) and it will appear here.

## Step 3: message
wizard-content =
    Step { $step } of { $steps }: message

    Send the message text (up to { $limit } characters), or use a template.
    You can also send a photo, video or document with a caption.

    Formatting: *bold* _italic_ `mono` ~strike~ and links as [text](https://example.com)
    Personalise with [Name] or [First name]: filled in for each recipient.
wizard-use-template = 🧩 Use a template
wizard-keep-text = Keep the current text ➡
wizard-content-expected = Please send the message as text, or a photo, video or document with a caption.
wizard-templates = Pick a template. You fill in its blanks next.
wizard-fill =
    Fill in the template ({ $index } of { $count })

    { $preview }

    Type the value for { $placeholder }:
wizard-fill-empty = { $placeholder } needs a value: type it as text.
wizard-text-count = Text: { $length } / { $limit } characters.
wizard-media =
    Step { $step } of { $steps }: media (optional)

    Send a photo (JPG, PNG, GIF), a video (MP4, up to { $video }) or a document (PDF, DOC) to attach it, or tap Skip.
    With media the text becomes its caption (up to 1,024 characters).

    Attached: { $current }
wizard-media-none = nothing
wizard-media-kind-photo = Photo
wizard-media-kind-video = Video
wizard-media-kind-document = Document
wizard-keep-media = Keep it ➡
wizard-remove-media = 🗑 Remove the media
wizard-media-expected = Send a photo, video or document, or tap Skip.
wizard-media-added = Attached: { $media }
wizard-caption-too-long = With media attached, the text becomes a caption of at most { $limit } characters; yours has { $length }. Go ⬅ Back to shorten the text, or Skip the media.
wizard-buttons =
    Step { $step } of { $steps }: link buttons (optional)

    Send one button per line, as
    Button text - https://example.com
    Several buttons on one line: separate them with |

    Buttons now: { $count }
wizard-keep-buttons = Keep them ➡
wizard-remove-buttons = 🗑 Remove the buttons
wizard-buttons-format = Line { $line } is not “Button text - https://…”. Send one button per line in that form.
wizard-buttons-added = Link buttons: { $count }

## Step 4: schedule
wizard-when =
    Step { $step } of { $steps }: schedule

    Send it right away, or schedule it?
wizard-send-now = 🚀 Send now
wizard-schedule-later = 🕐 Schedule
wizard-zone-button = 🌐 Time zone: { $zone }
wizard-date =
    Step { $step } of { $steps }: date

    Time zone: { $zone } (today is { $today } there)
    Pick a day, or type a date as YYYY-MM-DD.
wizard-today = Today ({ $date })
wizard-tomorrow = Tomorrow ({ $date })
wizard-date-as-text = Please type the date as YYYY-MM-DD, e.g. 2026-12-24.
wizard-date-past = { $date } is in the past: today is { $today } in { $zone }. Pick today or a later day.
wizard-time =
    Step { $step } of { $steps }: time

    Date: { $date } ({ $zone })
    Type the time as HH:MM (24 hours), e.g. 17:57, or pick one.
wizard-time-as-text = Please type the time as HH:MM, e.g. 17:57.
wizard-time-past = { $when } is in the past (it is { $now } now). Pick a later time.
wizard-zone =
    Time zone

    Now: { $zone }
    Tap a zone, or type its IANA name, e.g. Asia/Tokyo or America/New_York.
wizard-zone-as-text = Please type the zone name as text, e.g. Europe/London.
wizard-repeat =
    Step { $step } of { $steps }: repeat

    First send: { $when }
    Send it once, or repeat it?
wizard-frequency-none = One time
wizard-frequency-daily = Daily
wizard-frequency-weekly = Weekly
wizard-frequency-monthly = Monthly
wizard-frequency-custom = Custom (cron)
wizard-cron =
    Step { $step } of { $steps }: custom repeat

    Type a cron expression with five fields: minute hour day month weekday.
    Example: 0 9 * * 1 (Mondays at 09:00, { $zone })
wizard-cron-as-text = Please type the cron expression as text, e.g. 0 9 * * 1.
wizard-end =
    Step { $step } of { $steps }: end date

    Last day it may run, as YYYY-MM-DD ({ $zone }; from { $start } on), or no end.
wizard-no-end = No end date

## Step 5: settings
wizard-settings-whatsapp =
    Step { $step } of { $steps }: advanced settings (WhatsApp)

    Tap to switch an option; tap a number to change it.
wizard-settings-telegram =
    Step { $step } of { $steps }: advanced settings (Telegram)

    Tap to switch an option.
wizard-setting-splitIntoLists = Split into broadcast lists (max 256 each)
wizard-setting-trackDelivery = Track delivery status
wizard-setting-trackRead = Track read receipts
wizard-setting-sendTestFirst = Send test message first
wizard-setting-linkPreview = Link preview
wizard-setting-maxPerMinute = ⏱ Max messages per minute: { $value }
wizard-setting-batchDelaySeconds = ⏳ Delay between batches: { $value } s
wizard-setting-disableLinkPreview = Disable link preview
wizard-setting-disableNotification = Disable notifications
wizard-setting-pin = Pin message
wizard-setting-inlineKeyboard = Add inline keyboard
wizard-setting-botInteractions = Enable bot interactions
wizard-setting-paidBroadcast = Paid broadcast (up to 1,000 messages/s)
wizard-number-maxPerMinute = Type the maximum number of messages per minute ({ $min }–{ $max }). Now: { $current }
wizard-number-batchDelaySeconds = Type the delay between batches in seconds ({ $min }–{ $max }). Now: { $current }
wizard-number-invalid-integer = Type a whole number from { $min } to { $max }.
wizard-number-invalid = Type a number of seconds from { $min } to { $max }.

## Step 6: review
wizard-review-title = 📋 Campaign review (step 6 of 6)
wizard-review-name = Name: { $name }
wizard-review-platform = Platform: { $platform }
wizard-review-type = Type: { $type }
wizard-review-status-scheduled = Status: 🕐 Scheduled (after you confirm)
wizard-review-status-now = Status: 🚀 Sends as soon as you confirm
wizard-review-recipients-whatsapp = Recipients: { $reach } { $reach ->
        [one] contact
       *[other] contacts
    } (estimated reach)
wizard-review-recipients-telegram = Recipients: { $reach } { $reach ->
        [one] member
       *[other] members
    } (estimated reach)
wizard-review-schedule = Schedule: { $schedule }
wizard-review-send-now = now
wizard-review-repeat = { $when }, { $repeat }
wizard-review-repeat-until = { $when }, { $repeat } until { $end }
wizard-review-training = Training: Not trained (set up automatic replies after saving, with /training)
wizard-review-preview = Message preview:
wizard-review-no-text = (no text: media only)
wizard-review-media = Media: { $media }
wizard-review-buttons = Buttons: { $buttons }
wizard-review-edit = ✏️ Edit
wizard-review-test = 🧪 Send test
wizard-review-schedule-button = 🕐 Schedule
wizard-review-send-now-button = 🚀 Send now
wizard-review-draft = 💾 Save draft
wizard-edit = What do you want to change? You come back to the review afterwards.
wizard-edit-name = Name
wizard-edit-platform = Platform
wizard-edit-type = Type
wizard-edit-audience = Audience
wizard-edit-content = Message
wizard-edit-schedule = Schedule
wizard-edit-settings = Settings
wizard-test-unavailable = Test sending is not available yet.
wizard-test-sent = Test message sent.
wizard-confirm-send = Send to { $reach } { $reach ->
        [one] recipient
       *[other] recipients
    } now?
wizard-confirm-yes = ✅ Yes, send now
wizard-not-scheduled = not scheduled
wizard-status-draft = 📝 Draft
wizard-status-scheduled = 🕐 Scheduled
wizard-status-sending = 📤 Sending
wizard-status-paused = ⏸ Paused
wizard-status-published = ✅ Published
wizard-status-failed = ❌ Failed
wizard-status-cancelled = 🚫 Cancelled
wizard-status-archived = 🗄 Archived
wizard-saved-schedule =
    Campaign #{ $id } “{ $name }” is scheduled.
    Status: { $status }
    Sends at: { $when }
    Manage it in /campaigns.
wizard-saved-now =
    Campaign #{ $id } “{ $name }” is on its way.
    Status: { $status }, sending starts { $when }
    Progress will appear in this chat.
wizard-saved-draft =
    Campaign #{ $id } “{ $name }” is saved as a draft.
    Status: { $status }
    Planned for: { $when }
    Finish it later in /campaigns.
