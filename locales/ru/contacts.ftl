# /contacts: контакты WhatsApp, импорт и экспорт CSV.
contacts-title = 📇 Контакты WhatsApp: всего { $total }
contacts-segment-line = { $segment }: { $count }
contacts-btn-import = 📥 Импорт CSV
contacts-btn-export = ⬇ Экспорт всех (CSV)
contacts-btn-export-segment = ⬇ Экспорт сегмента
contacts-btn-back = ⬅ Назад
contacts-btn-overview = 📇 Контакты
contacts-export-segment-title = Какой сегмент выгрузить?
contacts-export-caption = ⬇ Контактов: { $count }.
contacts-export-caption-segment = ⬇ Контактов в «{ $segment }»: { $count }.
contacts-import-prompt =
    📥 Пришлите CSV-файл документом (📎 → Файл), не больше { $limit }.
    Столбцы: phone,name,segments (строка заголовка не обязательна). Несколько сегментов разделяйте «;».
    Номера пишите с кодом страны, например +79161234567.
contacts-import-country = Номера без кода страны читаются как номера { $country } (DEFAULT_PHONE_COUNTRY).
contacts-import-need-document = Пришлите CSV документом (📎 → Файл, не больше { $limit }) или нажмите ✖ Отмена.
contacts-import-hint = Чтобы импортировать контакты из этого файла, откройте /contacts, нажмите 📥 Импорт CSV и пришлите файл ещё раз.
contacts-import-done = ✅ Импорт завершён: добавлено { $added }, обновлено { $updated }, пропущено строк: { $rejected }.
contacts-import-rejected-title = Пропущенные строки:
contacts-import-rejected-line = Строка { $line }: { $reason ->
    [missing-phone] нет номера телефона
    [invalid-phone] неверный номер телефона
    [duplicate-in-file] этот номер уже встречался выше в файле
   *[other] { $reason }
}
contacts-import-more = …и ещё { $count }.
contacts-import-failed = ⚠️ { $error } Пришлите исправленный файл или нажмите ✖ Отмена.
