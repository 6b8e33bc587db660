# /templates: встроенные шаблоны сообщений.
templates-title = 🧩 Шаблоны сообщений ({ $count }). Нажмите на шаблон, чтобы посмотреть его.
templates-line = • { $name } ({ $category ->
    [promotional] промо
    [engagement] вовлечение
   *[transactional] транзакционные
})
templates-preview-title = 🧩 { $name } ({ $category ->
    [promotional] промо
    [engagement] вовлечение
   *[transactional] транзакционные
})
templates-placeholders = Что нужно заполнить: { $placeholders }
templates-no-placeholders = Заполнять ничего не нужно.
templates-btn-start = 🚀 Создать кампанию по шаблону
templates-btn-back = ⬅ Все шаблоны
templates-gone = Этого шаблона больше нет.
