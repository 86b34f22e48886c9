# Seed a Redmine project in bulk for relplan's tests and benchmark (run with `bin/rails runner`).
#   SEED_PROJECT (identifier, default "relplan"), SEED_COUNT (issues, default 130),
#   SEED_MANIFEST (path: a JSON manifest of what was created, read back by the tests).
# Issues are inserted with insert_all (10,000 take seconds, not minutes); a mix of trackers,
# open and closed statuses, priorities, versions with and without due dates, and a
# `Backport` custom field in Ruby's format. A second project gets a few issues that a sync
# of the first must not pick up.
require "json"

ident = ENV.fetch("SEED_PROJECT", "relplan")
count = Integer(ENV.fetch("SEED_COUNT", "130"))
admin = User.find_by_login("admin")
field = IssueCustomField.find_by!(name: "Backport")
trackers = Tracker.all.index_by(&:name)
statuses = IssueStatus.all.index_by(&:name)
priorities = IssuePriority.all.index_by(&:name)

def make_project(ident, name)
  Project.find_by(identifier: ident) || Project.create!(
    name: name, identifier: ident, is_public: true,
    tracker_ids: Tracker.pluck(:id), enabled_module_names: %w[issue_tracking]
  )
end

project = make_project(ident, "Relplan #{ident}")
other = make_project("#{ident}-other", "Other #{ident}")
versions = {}
[["3.4", "2009-05-18", "closed"], ["4.0", "2010-01-15", "open"],
 ["4.1", "2010-04-30", "locked"], ["Someday", nil, "open"]].each do |name, due, status|
  versions[name] = project.versions.find_by(name: name) ||
                   Version.create!(project: project, name: name, effective_date: due, status: status)
end
version_cycle = ["3.4", "4.0", "4.1", nil, "4.0"]

def status_for(i)
  return "Rejected" if i % 20 == 5
  return "Closed" if i % 4 == 0
  return "In Progress" if i % 7 == 1
  "New"
end

def backport_for(i, tracker)
  return nil unless tracker == "Bug"
  case i % 6
  when 1 then "4.0: REQUIRED, 3.4: DONE"
  when 2 then "3.4: DONTNEED"
  when 3 then "4.0: WONTFIX, 3.4: REQUIRED"
  end
end

base = Time.utc(2026, 1, 1)
start_id = (Issue.maximum(:id) || 0) + 1
rows = []
manifest = []
(1..count).each do |i|
  tracker = i % 3 == 0 ? "Feature" : "Bug"
  status = status_for(i)
  priority = i % 50 == 0 ? "Immediate" : (i % 5 == 2 ? "High" : "Normal")
  version = version_cycle[i % 5]
  when_ = base + i * 60
  closed = statuses[status].is_closed
  rows << {
    project_id: project.id, tracker_id: trackers[tracker].id, status_id: statuses[status].id,
    priority_id: priorities[priority].id, author_id: admin.id,
    fixed_version_id: version && versions[version].id,
    subject: "Issue #{i}: #{tracker.downcase} seeded for relplan", description: "seeded",
    lock_version: 0, done_ratio: closed ? 100 : 0, is_private: false,
    created_on: when_, updated_on: when_, closed_on: closed ? when_ : nil,
    lft: 1, rgt: 2
  }
  manifest << { "seq" => i, "tracker" => tracker, "status" => status, "closed" => closed,
                "priority" => priority, "version" => version,
                "backport" => backport_for(i, tracker) }
end
rows.each_slice(2000) { |slice| Issue.insert_all(slice) }
Issue.where(root_id: nil).update_all("root_id = id")
created = Issue.where(project_id: project.id).where("id >= ?", start_id).order(:id).pluck(:id)
raise "expected #{count} issues, got #{created.size}" unless created.size == count

values = []
created.each_with_index do |id, k|
  manifest[k]["id"] = id
  bp = manifest[k]["backport"]
  values << { customized_type: "Issue", customized_id: id, custom_field_id: field.id, value: bp } if bp
end
values.each_slice(2000) { |slice| CustomValue.insert_all(slice) }

if other.issues.count == 0
  3.times do |k|
    Issue.create!(project: other, tracker: trackers["Bug"], author: admin,
                  subject: "Not ours #{k}", status: statuses["New"], priority: priorities["Normal"])
  end
end

out = { "project" => ident, "issues" => manifest,
        "versions" => versions.values.map { |v| { "name" => v.name, "due" => v.effective_date&.iso8601, "status" => v.status } } }
File.write(ENV["SEED_MANIFEST"], JSON.generate(out)) if ENV["SEED_MANIFEST"]
puts "seeded #{count} issues into #{ident}"
