# Make a fresh Redmine instance usable by relplan's tests (run with `bin/rails runner`):
# REST API on, admin usable without a password change, a `Backport` custom field on
# every tracker, a `Viewer` role that may only view issues (roles cannot be made over
# REST; the push tests make a member with it). Prints the admin's API key (created on
# first read) on the last line.
Setting.rest_api_enabled = "1"
admin = User.find_by_login("admin")
admin.update_columns(must_change_passwd: false)
unless IssueCustomField.find_by(name: "Backport")
  IssueCustomField.create!(
    name: "Backport", field_format: "string", is_for_all: true, is_filter: true,
    visible: true, editable: true, trackers: Tracker.all.to_a
  )
end
Role.find_by(name: "Viewer") || Role.create!(name: "Viewer", permissions: [:view_issues])
puts admin.api_key
