# Ошибки предметной области: бот показывает код DomainError как `error-<code>` с его параметрами.
error-illegal-transition = С кампанией в статусе { $from } так нельзя ({ $action }).
error-campaign-not-editable = Кампанию в статусе { $status } уже нельзя изменить; сделайте копию.
error-past-schedule = Это время уже прошло. Выберите время в будущем.
error-unknown-time-zone = «{ $zone }» — неизвестный часовой пояс. Используйте имя IANA, например Europe/Moscow или Asia/Tokyo.
error-invalid-date = «{ $input }» — не дата. Используйте ГГГГ-ММ-ДД, например 2026-12-24.
error-date-too-far = «{ $input }» — слишком далеко: самая поздняя дата — { $latest }. Проверьте год.
error-invalid-time = «{ $input }» — не время. Используйте ЧЧ:ММ (24 часа), например 17:57.
error-end-before-start = Дата окончания { $end } раньше первой отправки { $start }.
error-invalid-cron = «{ $expression }» — неверное выражение cron: { $reason }
error-message-too-long = В сообщении { $length } символов; максимум { $limit }.
error-empty-message = Сообщение пустое: отправьте текст или прикрепите вложение.
error-empty-name = Название не может быть пустым. Отправьте название от 1 до 100 символов.
error-name-too-long = В названии { $length } символов; максимум { $limit }.
error-unfilled-placeholder = В сообщении остались незаполненные места: { $placeholders }
error-unsupported-media = Такой файл ({ $mime }) отправить нельзя. Подойдут фото (JPG, PNG, GIF), видео (MP4) или документ (PDF, DOC).
error-media-too-large = Файл слишком большой ({ $size }); максимум { $limit }.
error-feature-not-available = «{ $feature }» недоступно в { $platform }.
error-empty-audience = Не выбран ни один получатель. Отметьте хотя бы одного.
error-invalid-button-layout = Кнопки: от 1 до { $maxRows } строк по 1–{ $maxPerRow } кнопки.
error-invalid-button-text = Кнопке { $row }.{ $column } нужен текст длиной 1–{ $limit } символов.
error-invalid-button-url = «{ $url }» — не веб-ссылка: она должна начинаться с http:// или https://.
error-concurrent-change = Кто-то изменил это одновременно с вами. Откройте заново и повторите.
error-not-found = Этого больше нет.
error-permission-denied = У вас нет прав на это действие.
error-invalid-setting = «{ $value }» — недопустимое значение для { $setting }.

# Файлы контактов CSV (src/services/contact-csv.ts).
error-csv-empty = Файл пуст: в нём нет ни одного контакта.
error-csv-too-large = Файл слишком большой ({ $size } байт); предел — 5 МБ. Разделите его на части.
error-csv-binary = Это не текстовый файл (похоже на двоичный). Сохраните таблицу как CSV (UTF-8) и пришлите его.
error-csv-not-csv = «{ $name }» — не CSV-файл ({ $mime }). Пришлите файл .csv со столбцами phone,name,segments.
error-csv-unclosed-quote = Файл не является корректным CSV: кавычка, открытая в строке { $line }, не закрыта.
error-csv-no-rows = В файле есть заголовок, но нет контактов.
