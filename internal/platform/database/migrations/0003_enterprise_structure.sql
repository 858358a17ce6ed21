-- Enterprises grow their profile (industry, main business, scale), posts their responsibility level and
-- default inspection frequency; post responsibility documents keep every version; enterprises associate
-- with one another (e.g. with their group company).

-- 主营业务: chooses only the template the enterprise standard starts from (FAQ 6).
CREATE TABLE main_businesses (
	id {{id}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL UNIQUE,
	description TEXT NOT NULL DEFAULT '',
	sort_order INTEGER NOT NULL DEFAULT 0
);
INSERT INTO main_businesses (code, name, description, sort_order) VALUES
	('retail', '商场超市', '百货商场、购物中心、超市、便利店等零售场所', 1),
	('catering', '餐饮', '餐馆、饭店、食堂、快餐店等餐饮服务', 2),
	('warehouse', '仓储物流', '仓库、物流园区、配送中心、快递分拨中心', 3),
	('machinery', '一般机械制造', '通用设备、专用设备、金属制品加工制造', 4),
	('construction', '建筑施工', '房屋建筑、市政、装饰装修等施工', 5),
	('property', '办公楼宇/物业', '写字楼、商务楼宇、住宅小区物业管理', 6),
	('hotel', '住宿', '宾馆、酒店、招待所、民宿', 7),
	('education', '学校教育', '中小学、幼儿园、高校、培训机构', 8),
	('healthcare', '医疗卫生', '医院、诊所、社区卫生服务中心', 9),
	('entertainment', '文化娱乐', '影剧院、KTV、游艺场所、体育场馆', 10),
	('hazchem', '危险化学品经营使用', '危险化学品经营、储存、使用单位', 11),
	('gas_station', '加油加气站', '加油站、加气站、充电站', 12),
	('printing', '印刷包装', '印刷、包装制品生产', 13),
	('food_processing', '食品加工', '食品、饮料生产加工', 14),
	('auto_repair', '汽车维修', '机动车维修、保养、洗车', 15),
	('other', '其他', '以上均不适用时选择相近业务，标准可自行增删改', 99);

ALTER TABLE enterprises ADD COLUMN industry TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprises ADD COLUMN main_business_id BIGINT REFERENCES main_businesses(id);
ALTER TABLE enterprises ADD COLUMN scale TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprises ADD COLUMN registered_by BIGINT REFERENCES users(id);

ALTER TABLE departments ADD COLUMN description TEXT NOT NULL DEFAULT '';
CREATE INDEX departments_parent_idx ON departments (enterprise_id, parent_id);

ALTER TABLE posts ADD COLUMN responsibility_level TEXT NOT NULL DEFAULT 'medium';
ALTER TABLE posts ADD COLUMN default_frequency TEXT NOT NULL DEFAULT 'monthly';
ALTER TABLE posts ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN sort_order INTEGER NOT NULL DEFAULT 0;
CREATE INDEX posts_department_idx ON posts (department_id);

-- Where a password came from: derived from the enterprise's data (FAQ 23), a temporary one from a reset or
-- creation, or chosen by the user. Only derived passwords can be listed again for the regulator, because
-- they can be recomputed instead of stored.
ALTER TABLE users ADD COLUMN password_origin TEXT NOT NULL DEFAULT 'chosen';

-- 岗位责任制: every upload is a new version; the newest is current.
CREATE TABLE post_documents (
	id {{id}},
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	post_id BIGINT NOT NULL REFERENCES posts(id),
	version INTEGER NOT NULL,
	file_name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	storage_key TEXT NOT NULL,
	uploaded_by BIGINT REFERENCES users(id),
	uploaded_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX post_documents_version_uq ON post_documents (post_id, version);
CREATE INDEX post_documents_enterprise_idx ON post_documents (enterprise_id, post_id);

-- 申请关联: the applicant asks to be associated with the target (its group company). At most one open or
-- approved link per pair, in either direction.
CREATE TABLE associations (
	id {{id}},
	applicant_id BIGINT NOT NULL REFERENCES enterprises(id),
	target_id BIGINT NOT NULL REFERENCES enterprises(id),
	status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'dissolved', 'withdrawn')),
	note TEXT NOT NULL DEFAULT '',
	reply TEXT NOT NULL DEFAULT '',
	pair_low BIGINT NOT NULL,
	pair_high BIGINT NOT NULL,
	created_at {{timestamp}} NOT NULL,
	decided_at {{timestamp}},
	decided_by BIGINT REFERENCES users(id),
	ended_at {{timestamp}},
	ended_by BIGINT REFERENCES users(id),
	CHECK (applicant_id <> target_id)
);
CREATE UNIQUE INDEX associations_live_pair_uq ON associations (pair_low, pair_high) WHERE status IN ('pending', 'approved');
CREATE INDEX associations_applicant_idx ON associations (applicant_id, status);
CREATE INDEX associations_target_idx ON associations (target_id, status);
