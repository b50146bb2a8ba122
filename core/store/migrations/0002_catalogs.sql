-- Catalog rows every installation starts with; admins extend them as data.

INSERT INTO unit_level (code, name, rank) VALUES
    ('TW',     'Trung ương', 0),
    ('TINH',   'Tỉnh/Thành phố', 1),
    ('HUYEN',  'Huyện và tương đương', 2),
    ('XA',     'Xã/Phường/Đặc khu', 3),
    ('CO_SO',  'Cơ sở', 4),
    ('CHI_BO', 'Chi bộ trực thuộc', 5);

INSERT INTO unit_type (code, name) VALUES
    ('DANG_MTTQ', 'Cơ quan Đảng, MTTQ, tổ chức chính trị - xã hội'),
    ('NHA_NUOC',  'Cơ quan nhà nước'),
    ('DIA_BAN',   'Đảng bộ địa phương'),
    ('SU_NGHIEP', 'Đơn vị sự nghiệp'),
    ('DOANH_NGHIEP', 'Doanh nghiệp'),
    ('CONG_AN',   'Công an'),
    ('QUAN_SU',   'Quân sự'),
    ('KHAC',      'Khác');

INSERT INTO province (code, name, short_name) VALUES
    ('01', 'Thành phố Hà Nội', 'Hà Nội'),
    ('04', 'Tỉnh Cao Bằng', 'Cao Bằng'),
    ('08', 'Tỉnh Tuyên Quang', 'Tuyên Quang'),
    ('11', 'Tỉnh Điện Biên', 'Điện Biên'),
    ('12', 'Tỉnh Lai Châu', 'Lai Châu'),
    ('14', 'Tỉnh Sơn La', 'Sơn La'),
    ('15', 'Tỉnh Lào Cai', 'Lào Cai'),
    ('19', 'Tỉnh Thái Nguyên', 'Thái Nguyên'),
    ('20', 'Tỉnh Lạng Sơn', 'Lạng Sơn'),
    ('22', 'Tỉnh Quảng Ninh', 'Quảng Ninh'),
    ('24', 'Tỉnh Bắc Ninh', 'Bắc Ninh'),
    ('25', 'Tỉnh Phú Thọ', 'Phú Thọ'),
    ('31', 'Thành phố Hải Phòng', 'Hải Phòng'),
    ('33', 'Tỉnh Hưng Yên', 'Hưng Yên'),
    ('37', 'Tỉnh Ninh Bình', 'Ninh Bình'),
    ('38', 'Tỉnh Thanh Hóa', 'Thanh Hóa'),
    ('40', 'Tỉnh Nghệ An', 'Nghệ An'),
    ('42', 'Tỉnh Hà Tĩnh', 'Hà Tĩnh'),
    ('44', 'Tỉnh Quảng Trị', 'Quảng Trị'),
    ('46', 'Thành phố Huế', 'Huế'),
    ('48', 'Thành phố Đà Nẵng', 'Đà Nẵng'),
    ('51', 'Tỉnh Quảng Ngãi', 'Quảng Ngãi'),
    ('52', 'Tỉnh Gia Lai', 'Gia Lai'),
    ('56', 'Tỉnh Khánh Hòa', 'Khánh Hòa'),
    ('66', 'Tỉnh Đắk Lắk', 'Đắk Lắk'),
    ('68', 'Tỉnh Lâm Đồng', 'Lâm Đồng'),
    ('75', 'Tỉnh Đồng Nai', 'Đồng Nai'),
    ('79', 'Thành phố Hồ Chí Minh', 'Hồ Chí Minh'),
    ('80', 'Tỉnh Tây Ninh', 'Tây Ninh'),
    ('82', 'Tỉnh Đồng Tháp', 'Đồng Tháp'),
    ('86', 'Tỉnh Vĩnh Long', 'Vĩnh Long'),
    ('91', 'Tỉnh An Giang', 'An Giang'),
    ('92', 'Thành phố Cần Thơ', 'Cần Thơ'),
    ('96', 'Tỉnh Cà Mau', 'Cà Mau');

INSERT INTO role (code, name, description) VALUES
    ('QUAN_TRI',   'Quản trị hệ thống', 'Toàn bộ chức năng, gồm quản lý đơn vị và người dùng'),
    ('QUAN_LY_BC', 'Quản lý báo cáo', 'Tạo lập, tra cứu, phê duyệt báo cáo và lịch Đại hội'),
    ('CHUYEN_VIEN', 'Chuyên viên', 'Tạo lập, tra cứu báo cáo và chọn lịch Đại hội'),
    ('PHAN_TICH',  'Phân tích dữ liệu', 'Xem dashboard, tra cứu và phân tích dữ liệu');

INSERT INTO role_function (role_code, function_code)
SELECT 'QUAN_TRI', f FROM (VALUES
    ('DASHBOARD'), ('REPORT_CREATE'), ('REPORT_LOOKUP'), ('REPORT_LOOKUP_AGG'), ('REPORT_APPROVE'),
    ('UNIT_MANAGE'), ('USER_MANAGE'), ('CALENDAR_CHOOSE'), ('CALENDAR_SUMMARY'),
    ('EMULATION_LAUNCH'), ('EMULATION_REGISTER'), ('EMULATION_APPROVE'), ('EMULATION_REVIEW'),
    ('EMULATION_DECIDE'), ('TASK_DOCUMENT'), ('TASK_ASSIGN'), ('TASK_PROGRESS'), ('TASK_REVIEW'),
    ('ANALYTICS')) AS t(f);

INSERT INTO role_function (role_code, function_code)
SELECT 'QUAN_LY_BC', f FROM (VALUES
    ('DASHBOARD'), ('REPORT_CREATE'), ('REPORT_LOOKUP'), ('REPORT_LOOKUP_AGG'), ('REPORT_APPROVE'),
    ('CALENDAR_CHOOSE'), ('CALENDAR_SUMMARY')) AS t(f);

INSERT INTO role_function (role_code, function_code)
SELECT 'CHUYEN_VIEN', f FROM (VALUES
    ('DASHBOARD'), ('REPORT_CREATE'), ('REPORT_LOOKUP'), ('CALENDAR_CHOOSE')) AS t(f);

INSERT INTO role_function (role_code, function_code)
SELECT 'PHAN_TICH', f FROM (VALUES
    ('DASHBOARD'), ('REPORT_LOOKUP'), ('REPORT_LOOKUP_AGG'), ('CALENDAR_SUMMARY'),
    ('ANALYTICS')) AS t(f);
