# Domain errors: the bot shows DomainError `code` as `error-<code>` with the error's params.
error-illegal-transition = A campaign that is { $from } cannot do that ({ $action }).
error-campaign-not-editable = A { $status } campaign cannot be edited any more; duplicate it instead.
error-past-schedule = That time is in the past. Pick a time in the future.
error-unknown-time-zone = “{ $zone }” is not a time zone I know. Use an IANA name such as Europe/London or Asia/Tokyo.
error-invalid-date = “{ $input }” is not a date. Use YYYY-MM-DD, e.g. 2026-12-24.
error-date-too-far = “{ $input }” is too far ahead: the latest date is { $latest }. Check the year.
error-invalid-time = “{ $input }” is not a time. Use HH:MM (24 hours), e.g. 17:57.
error-end-before-start = The end date { $end } is before the first send on { $start }.
error-invalid-cron = “{ $expression }” is not a valid cron expression: { $reason }
error-message-too-long = The message is { $length } characters long; the limit is { $limit }.
error-empty-message = The message is empty: send some text or attach media.
error-empty-name = The name can't be empty. Send a name of 1–100 characters.
error-name-too-long = The name is { $length } characters long; the limit is { $limit }.
error-unfilled-placeholder = The message still has blanks to fill in: { $placeholders }
error-unsupported-media = This file type ({ $mime }) can't be sent. Use a photo (JPG, PNG, GIF), a video (MP4) or a document (PDF, DOC).
error-media-too-large = This file is too large ({ $size }); the limit is { $limit }.
error-feature-not-available = “{ $feature }” is not available on { $platform }.
error-empty-audience = No recipients selected. Tick at least one.
error-invalid-button-layout = Buttons must be 1–{ $maxRows } rows of 1–{ $maxPerRow } buttons.
error-invalid-button-text = Button { $row }.{ $column } needs a text of 1–{ $limit } characters.
error-invalid-button-url = “{ $url }” is not a web link: it must start with http:// or https://.
error-concurrent-change = Someone else changed this meanwhile. Open it again and retry.
error-not-found = That no longer exists.
error-permission-denied = You are not allowed to do that.
error-invalid-setting = “{ $value }” is not a valid value for { $setting }.

# Contacts CSV files (src/services/contact-csv.ts).
error-csv-empty = The file is empty: there is no contact in it.
error-csv-too-large = The file is too large ({ $size } bytes); the limit is 5 MB. Split it into smaller files.
error-csv-binary = This is not a text file (it looks binary). Export the sheet as CSV (UTF-8) and send that.
error-csv-not-csv = “{ $name }” is not a CSV file ({ $mime }). Send a .csv file with the columns phone,name,segments.
error-csv-unclosed-quote = The file is not valid CSV: a quote opened on line { $line } is never closed.
error-csv-no-rows = The file has a header but no contacts.
