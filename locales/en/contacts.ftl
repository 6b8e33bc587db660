# /contacts: WhatsApp contacts, CSV import and export.
contacts-title = 📇 WhatsApp contacts: { $total } in total
contacts-segment-line = { $segment }: { $count }
contacts-btn-import = 📥 Import CSV
contacts-btn-export = ⬇ Export all (CSV)
contacts-btn-export-segment = ⬇ Export a segment
contacts-btn-back = ⬅ Back
contacts-btn-overview = 📇 Contacts
contacts-export-segment-title = Export which segment?
contacts-export-caption = ⬇ { $count } { $count ->
    [one] contact
   *[other] contacts
}.
contacts-export-caption-segment = ⬇ { $count } { $count ->
    [one] contact
   *[other] contacts
} in “{ $segment }”.
contacts-import-prompt =
    📥 Send the CSV file as a document (📎 → File), at most { $limit }.
    Columns: phone,name,segments (a header row is optional). Several segments are separated by “;”.
    Write numbers with the country code, e.g. +4915112345678.
contacts-import-country = Numbers without a country code are read as { $country } numbers (DEFAULT_PHONE_COUNTRY).
contacts-import-need-document = Please send the CSV as a document (📎 → File, at most { $limit }), or press ✖ Cancel.
contacts-import-hint = To import contacts from this file, open /contacts, press 📥 Import CSV, then send it again.
contacts-import-done = ✅ Import finished: { $added } added, { $updated } updated, { $rejected } { $rejected ->
    [one] row
   *[other] rows
} skipped.
contacts-import-rejected-title = Skipped rows:
contacts-import-rejected-line = Line { $line }: { $reason ->
    [missing-phone] no phone number
    [invalid-phone] not a valid phone number
    [duplicate-in-file] the same number appears earlier in the file
   *[other] { $reason }
}
contacts-import-more = …and { $count } more.
contacts-import-failed = ⚠️ { $error } Send a corrected file, or press ✖ Cancel.
