# /templates: the built-in message templates.
templates-title = 🧩 Message templates ({ $count }). Tap one to preview it.
templates-line = • { $name } ({ $category })
templates-preview-title = 🧩 { $name } ({ $category })
templates-placeholders = Blanks to fill in: { $placeholders }
templates-no-placeholders = Nothing to fill in.
templates-btn-start = 🚀 Start a campaign from it
templates-btn-back = ⬅ All templates
templates-gone = This template no longer exists.
