# /settings: администраторы и роли, язык, часовой пояс.
settings-title = ⚙️ Настройки
settings-admins-title = Администраторы:
settings-admin-line = • { $id }{ $name } — { $role }
settings-admin-line-config = • { $id }{ $name } — { $role } (из конфигурации)
settings-your-language = Ваш язык: { $language }
settings-your-zone = Ваш часовой пояс: { $zone } (сейчас { $now })
settings-owner-only-note = Добавлять, менять и удалять администраторов могут только владельцы.
settings-language-en = English
settings-language-ru = Русский
settings-btn-language = 🌐 Язык
settings-btn-zone = 🕐 Часовой пояс
settings-btn-add = ➕ Добавить администратора
settings-btn-back = ⬅ Назад
settings-btn-no = ✖ Нет, назад
settings-btn-remove = ✕ Удалить администратора
settings-btn-remove-yes = ✕ Да, удалить
settings-language-title = 🌐 Выберите язык:
settings-language-set = 🌐 Язык: { $language }.
settings-zone-title =
    🕐 Ваш часовой пояс: { $zone } (сейчас { $now }).
    Он используется по умолчанию для новых кампаний и фильтров по дате. Нажмите на пояс или напишите любой пояс IANA, например Europe/Paris.
settings-zone-set = 🕐 Часовой пояс: { $zone } (сейчас { $now }).
settings-add-prompt = ➕ Пришлите числовой ID пользователя Telegram, можно с именем, например 123456789 Анна. (Свой ID можно узнать у @userinfobot.)
settings-add-invalid = «{ $input }» — не ID пользователя Telegram: пришлите только цифры, можно с именем.
settings-add-role = Какая роль у { $id }{ $name }? Владелец: всё, включая администраторов. Администратор: кампании, группы, контакты. Наблюдатель: видит всё, ничего не меняет.
settings-added = ✅ { $id } теперь { $role }.
settings-you-were-added = Вас добавили в этот бот рассылок, роль: { $role }. Отправьте /help, чтобы увидеть, что вы можете.
settings-role-changed = ✅ { $id } теперь { $role }.
settings-remove-confirm = Удалить этого администратора? { $line }
settings-removed = ✕ { $id } больше не администратор.
settings-admin-gone = { $id } не является администратором.
settings-config-owner = Этот владелец задан в конфигурации (ADMIN_IDS), здесь его нельзя изменить или удалить.
settings-owner-only = Управлять администраторами могут только владельцы.
settings-try-again = ⚠️ { $error } Попробуйте ещё раз или нажмите ✖ Отмена.
